using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics;

/// <summary>
/// Paired metrics between generated and ground-truth faces (FTGAN, as the paper reports them): similarity = mean
/// cosine similarity of their identity embeddings, face semantic distance (FSD) = mean L2 distance. Computed in
/// double precision.
/// </summary>
public static class FaceSimilarity
{
    /// <summary>dlib's "same person" threshold on the Euclidean distance of its 128-d descriptors.</summary>
    public const double DlibMatchThreshold = 0.6;

    /// <summary>Extracts features of paired images with <paramref name="extractor"/> and compares them.</summary>
    /// <param name="extractor">The feature network (its name is reported with the numbers).</param>
    /// <param name="generatedImages">[N, 3, H, W] generated faces in [-1, 1].</param>
    /// <param name="groundTruthImages">[N, 3, H', W'] ground-truth faces in [-1, 1], paired by index.</param>
    /// <param name="centre">See <see cref="Compare(Tensor, Tensor, string, Tensor?, double)"/>.</param>
    /// <param name="matchThreshold">Distance below which a pair counts as a match.</param>
    public static PairedSimilarityResult Compare(IFeatureExtractor extractor, Tensor generatedImages, Tensor groundTruthImages, Tensor? centre = null, double matchThreshold = DlibMatchThreshold)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        using var scope = torch.NewDisposeScope();
        var generated = extractor.Extract(generatedImages);
        var truth = extractor.Extract(groundTruthImages);
        return Compare(generated, truth, extractor.Name, centre, matchThreshold);
    }

    /// <summary>Compares paired features.</summary>
    /// <param name="generated">[N, D] features of the generated faces.</param>
    /// <param name="groundTruth">[N, D] features of the ground-truth faces, row i paired with row i of <paramref name="generated"/>.</param>
    /// <param name="featureName">The feature network (reported with the numbers).</param>
    /// <param name="centre">
    /// [D] vector subtracted before the centred cosine; default the mean of <paramref name="groundTruth"/> (pass the mean
    /// of a larger reference set for comparable numbers across runs).
    /// </param>
    /// <param name="matchThreshold">Distance below which a pair counts as a match.</param>
    public static PairedSimilarityResult Compare(Tensor generated, Tensor groundTruth, string featureName, Tensor? centre = null, double matchThreshold = DlibMatchThreshold)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(groundTruth);
        if (generated.dim() != 2 || !generated.shape.SequenceEqual(groundTruth.shape))
        {
            throw new ArgumentException($"Paired features must both be [N, D]; got [{string.Join(", ", generated.shape)}] and [{string.Join(", ", groundTruth.shape)}].", nameof(groundTruth));
        }

        if (generated.shape[0] == 0)
        {
            throw new ArgumentException("No pairs to compare.", nameof(generated));
        }

        using var scope = torch.NewDisposeScope();
        var g = generated.detach().to(ScalarType.Float64).cpu();
        var t = groundTruth.detach().to(ScalarType.Float64).cpu();
        var c = centre is null ? t.mean(new long[] { 0 }) : centre.detach().to(ScalarType.Float64).cpu().reshape(-1);
        if (c.shape[0] != g.shape[1])
        {
            throw new ArgumentException($"The centre has {c.shape[0]} values; the features have {g.shape[1]}.", nameof(centre));
        }

        var cosine = nn.functional.cosine_similarity(g, t, 1, 1e-12);
        var centred = nn.functional.cosine_similarity(g - c, t - c, 1, 1e-12);
        var distance = (g - t).pow(2).sum(1).sqrt();
        long n = g.shape[0];
        double std = n > 1 ? distance.std().item<double>() : 0;
        double matches = (distance < matchThreshold).to(ScalarType.Float64).mean().item<double>();
        return new PairedSimilarityResult(
            featureName,
            (int)n,
            cosine.mean().item<double>(),
            centred.mean().item<double>(),
            distance.mean().item<double>(),
            std,
            matches,
            matchThreshold,
            c.data<double>().ToArray());
    }
}
