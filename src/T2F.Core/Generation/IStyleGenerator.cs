using static TorchSharp.torch;

namespace T2F.Core.Generation;

/// <summary>
/// A style-based image generator (StyleGAN2): maps z to w and renders w / w+ latents to images.
/// Tensors returned by its methods belong to the caller (dispose them, or create them inside a dispose scope).
/// <see cref="Map"/> and <see cref="Synthesize"/> record autograd for inputs that require gradients (so a projector can
/// be trained through the frozen generator: <c>ProjectorTrainer</c>) and run without a graph otherwise.
/// </summary>
public interface IStyleGenerator : IDisposable
{
    /// <summary>Output resolution R (images are [B, 3, R, R]).</summary>
    int Resolution { get; }

    /// <summary>Size of z and w.</summary>
    int StyleSize { get; }

    /// <summary>Number of per-layer styles in a w+ latent.</summary>
    int LatentCount { get; }

    /// <summary>Mapping network: z [B, StyleSize] -> w [B, StyleSize].</summary>
    /// <param name="z">Latent codes, N(0, 1).</param>
    Tensor Map(Tensor z);

    /// <summary>Renders w [B, StyleSize] or w+ [B, LatentCount, StyleSize] to images [B, 3, R, R] in about [-1, 1].</summary>
    /// <param name="latents">w or w+.</param>
    /// <param name="options">Truncation, style mixing, noise; null for the defaults.</param>
    Tensor Synthesize(Tensor latents, SynthesisOptions? options = null);
}
