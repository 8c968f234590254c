using static TorchSharp.torch;

namespace T2F.Core.Metrics;

/// <summary>
/// A network that maps images to feature vectors, for distribution metrics (Fréchet distance), paired similarity and
/// diversity. Implementations: <see cref="Inception.InceptionFeatureExtractor"/> (FID's pool features) and
/// <see cref="FaceApi.FaceIdentityFeatureExtractor"/> (face-identity descriptors). Not thread-safe.
/// </summary>
public interface IFeatureExtractor : IDisposable
{
    /// <summary>A name to report beside every number computed with these features (e.g. "pt_inception-2015-12-05 pool3").</summary>
    string Name { get; }

    /// <summary>Length D of each feature vector.</summary>
    int FeatureSize { get; }

    /// <summary>Features of a batch of images.</summary>
    /// <param name="images">[N, 3, H, W] RGB in [-1, 1] (what the generator outputs), any H and W.</param>
    /// <returns>[N, FeatureSize], float32, on the images' device; the caller owns it.</returns>
    Tensor Extract(Tensor images);
}
