namespace T2F.Core.Metrics;

/// <summary>How two feature vectors are compared.</summary>
public enum DistanceKind
{
    /// <summary>Euclidean (L2) distance.</summary>
    Euclidean,

    /// <summary>Cosine distance, <c>1 - cos(a, b)</c>.</summary>
    Cosine,
}
