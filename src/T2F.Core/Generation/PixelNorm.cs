using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary><c>x * rsqrt(mean(x^2, dim 1) + 1e-8)</c>: normalises each latent (rosinality <c>model.py</c> <c>PixelNorm</c>). No parameters.</summary>
internal sealed class PixelNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    public PixelNorm()
        : base(nameof(PixelNorm))
    {
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
        => ModuleTrace.Report(this, input * (input.square().mean(new long[] { 1 }, keepdim: true) + 1e-8).rsqrt());
}
