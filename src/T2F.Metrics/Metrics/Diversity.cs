using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics;

/// <summary>
/// Diversity of the faces generated from one description: the mean pairwise distance between their features
/// (identity embeddings or another backbone's features). 0 means every face is the same; larger is more varied.
/// </summary>
public static class Diversity
{
    /// <summary>Mean distance over all unordered pairs i &lt; j, in double precision.</summary>
    /// <param name="features">[N, D] with N ≥ 2: features of N faces generated from one description.</param>
    /// <param name="kind">Euclidean or cosine distance.</param>
    public static double MeanPairwiseDistance(Tensor features, DistanceKind kind = DistanceKind.Euclidean)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[0] < 2)
        {
            throw new ArgumentException($"Diversity needs [N, D] features with N >= 2; got [{string.Join(", ", features.shape)}].", nameof(features));
        }

        using var scope = torch.NewDisposeScope();
        var x = features.detach().to(ScalarType.Float64).cpu();
        long n = x.shape[0];
        if (kind == DistanceKind.Cosine)
        {
            var unit = x / x.norm(1, true).clamp_min(1e-12);
            var d = 1 - unit.matmul(unit.t());
            var upper = torch.triu(torch.ones(n, n, dtype: ScalarType.Bool), 1);
            return d.masked_select(upper).mean().item<double>();
        }

        // Row by row (memory O(N·D)); differences, not the Gram trick, so near-identical faces keep their precision.
        double sum = 0;
        for (long i = 0; i < n - 1; i++)
        {
            using var inner = torch.NewDisposeScope();
            sum += (x[TensorIndex.Slice(i + 1)] - x[i]).pow(2).sum(1).sqrt().sum().item<double>();
        }

        return sum / (n * (n - 1) / 2.0);
    }

    /// <summary>Mean of <see cref="MeanPairwiseDistance"/> over several descriptions (one [N_k, D] tensor each).</summary>
    /// <param name="groups">Features of the faces of each description.</param>
    /// <param name="kind">Euclidean or cosine distance.</param>
    public static double MeanOverGroups(IEnumerable<Tensor> groups, DistanceKind kind = DistanceKind.Euclidean)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var values = groups.Select(g => MeanPairwiseDistance(g, kind)).ToList();
        if (values.Count == 0)
        {
            throw new ArgumentException("No groups given.", nameof(groups));
        }

        return values.Average();
    }
}
