using static TorchSharp.torch;

namespace T2F.Core.Metrics.Perceptual;

/// <summary>
/// A frozen image network whose intermediate activations serve as a perceptual loss (<see cref="Vgg16PerceptualNet"/>,
/// <see cref="ResNet18PerceptualNet"/>). Wrap one in a <see cref="PerceptualFeatureExtractor"/> to pass it to the
/// projector trainer as an <see cref="IFeatureExtractor"/>.
/// </summary>
public interface IPerceptualNetwork : IDisposable
{
    /// <summary>A name to report beside every loss computed with these activations.</summary>
    string Name { get; }

    /// <summary>The names of the layers <see cref="ForwardLayers"/> returns, in order (e.g. <c>relu1_2</c>).</summary>
    IReadOnlyList<string> LayerNames { get; }

    /// <summary>The activations of <see cref="LayerNames"/>; differentiable with respect to the images.</summary>
    /// <param name="images">[N, 3, H, W] RGB in [-1, 1] (the network's own input normalisation is applied inside).</param>
    /// <returns>One [N, C, H', W'] tensor per layer; the caller owns them.</returns>
    Tensor[] ForwardLayers(Tensor images);
}
