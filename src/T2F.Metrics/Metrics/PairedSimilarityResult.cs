namespace T2F.Core.Metrics;

/// <summary>
/// Similarity between paired generated and ground-truth faces in one feature space (FTGAN's metrics, computed with
/// the feature network named in <see cref="FeatureName"/>).
/// </summary>
/// <param name="FeatureName">The feature network, to report beside the numbers.</param>
/// <param name="Count">Number of pairs.</param>
/// <param name="MeanCosine">Mean cosine similarity of the raw features ("similarity to ground truth").</param>
/// <param name="MeanCentredCosine">
/// Mean cosine similarity after subtracting <see cref="Centre"/> from both sides. Raw face descriptors are far from
/// zero-centred (different people score about 0.9), so this is the more telling similarity.
/// </param>
/// <param name="MeanDistance">Mean Euclidean distance: the face semantic distance (FSD).</param>
/// <param name="DistanceStd">Standard deviation of the distances.</param>
/// <param name="MatchRate">Fraction of pairs closer than <see cref="MatchThreshold"/>.</param>
/// <param name="MatchThreshold">The distance below which a pair counts as the same identity (dlib's 0.6 by default).</param>
/// <param name="Centre">The vector subtracted for <see cref="MeanCentredCosine"/>.</param>
public sealed record PairedSimilarityResult(
    string FeatureName,
    int Count,
    double MeanCosine,
    double MeanCentredCosine,
    double MeanDistance,
    double DistanceStd,
    double MatchRate,
    double MatchThreshold,
    IReadOnlyList<double> Centre);
