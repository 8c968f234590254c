using TorchSharp;
using T2F.Core.Ops;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Generation;

/// <summary>
/// FIR upsampler (rosinality <c>model.py</c> <c>Upsample</c>): buffer <c>kernel</c> = make_kernel * factor^2; pad p = k - factor gives
/// ((p + 1) / 2 + factor - 1, p / 2) = (2, 1) for [1, 3, 3, 1] and factor 2; output 2H x 2W.
/// </summary>
internal sealed class Upsample : Module<Tensor, Tensor>
{
    private readonly Tensor kernel;

    /// <summary>Creates the upsampler.</summary>
    /// <param name="taps">1-D taps, e.g. [1, 3, 3, 1].</param>
    /// <param name="factor">Upsampling factor.</param>
    public Upsample(IReadOnlyList<float> taps, int factor = 2)
        : base(nameof(Upsample))
    {
        ArgumentNullException.ThrowIfNull(taps);
        Factor = factor;
        using var k = UpFirDn2d.MakeKernel(taps);
        kernel = k * (factor * factor);
        register_buffer("kernel", kernel);
        int p = taps.Count - factor;
        Pad0 = ((p + 1) / 2) + factor - 1;
        Pad1 = p / 2;
    }

    /// <summary>Upsampling factor.</summary>
    public int Factor { get; }

    /// <summary>Zeros before.</summary>
    public int Pad0 { get; }

    /// <summary>Zeros after.</summary>
    public int Pad1 { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => UpFirDn2d.Apply(input, kernel, Factor, 1, Pad0, Pad1);

    /// <inheritdoc />
    public override string ToString() => $"Upsample(factor={Factor}, pad=({Pad0}, {Pad1}))";
}
