using static TorchSharp.torch;

namespace T2F.Core.Generation;

/// <summary>Result of <see cref="StyleGan2Model.SynthesizeWithLatents"/>: the image in roughly [-1, 1] and the latent it used.</summary>
/// <param name="Image">[B, 3, Size, Size].</param>
/// <param name="Latent">[B, n_latent, style_dim], the per-layer styles after truncation and mixing.</param>
public sealed record GeneratorOutput(Tensor Image, Tensor Latent) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Image.Dispose();
        Latent.Dispose();
    }
}
