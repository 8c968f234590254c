using TorchSharp;
using T2F.Core.Ops;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Generation;

/// <summary>
/// FIR downsampler (rosinality <c>model.py</c> <c>Downsample</c>): buffer <c>kernel</c> = make_kernel; pad p = k - factor gives
/// ((p + 1) / 2, p / 2); output H/2 x W/2. Present in the reference, unused by its G and D.
/// </summary>
internal sealed class Downsample : Module<Tensor, Tensor>
{
    private readonly Tensor kernel;

    /// <summary>Creates the downsampler.</summary>
    /// <param name="taps">1-D taps, e.g. [1, 3, 3, 1].</param>
    /// <param name="factor">Downsampling factor.</param>
    public Downsample(IReadOnlyList<float> taps, int factor = 2)
        : base(nameof(Downsample))
    {
        ArgumentNullException.ThrowIfNull(taps);
        Factor = factor;
        kernel = UpFirDn2d.MakeKernel(taps);
        register_buffer("kernel", kernel);
        int p = taps.Count - factor;
        Pad0 = (p + 1) / 2;
        Pad1 = p / 2;
    }

    /// <summary>Downsampling factor.</summary>
    public int Factor { get; }

    /// <summary>Zeros before.</summary>
    public int Pad0 { get; }

    /// <summary>Zeros after.</summary>
    public int Pad1 { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => UpFirDn2d.Apply(input, kernel, 1, Factor, Pad0, Pad1);

    /// <inheritdoc />
    public override string ToString() => $"Downsample(factor={Factor}, pad=({Pad0}, {Pad1}))";
}
