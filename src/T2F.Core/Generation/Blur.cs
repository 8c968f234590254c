using TorchSharp;
using T2F.Core.Ops;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Generation;

/// <summary>
/// FIR low-pass filter (rosinality <c>model.py</c> <c>Blur</c>): buffer <c>kernel</c> = make_kernel(taps) * factor^2; forward =
/// upfirdn2d(x, kernel, up 1, down 1, pad).
/// </summary>
internal sealed class Blur : Module<Tensor, Tensor>
{
    private readonly Tensor kernel;

    /// <summary>Creates the filter.</summary>
    /// <param name="taps">1-D taps, e.g. [1, 3, 3, 1].</param>
    /// <param name="pad0">Zeros before (both axes).</param>
    /// <param name="pad1">Zeros after (both axes).</param>
    /// <param name="upsampleFactor">Kernel gain factor^2 compensates the zeros inserted by a preceding upsampling.</param>
    public Blur(IReadOnlyList<float> taps, int pad0, int pad1, int upsampleFactor = 1)
        : base(nameof(Blur))
    {
        Pad0 = pad0;
        Pad1 = pad1;
        using var k = UpFirDn2d.MakeKernel(taps);
        kernel = upsampleFactor > 1 ? k * (upsampleFactor * upsampleFactor) : k.clone();
        register_buffer("kernel", kernel);
    }

    /// <summary>Zeros before.</summary>
    public int Pad0 { get; }

    /// <summary>The FIR kernel buffer [k, k] (for the ops that blur inside a layer, such as the modulated convolution).</summary>
    internal Tensor Kernel => kernel;

    /// <summary>Zeros after.</summary>
    public int Pad1 { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => UpFirDn2d.Apply(input, kernel, 1, 1, Pad0, Pad1);

    /// <inheritdoc />
    public override string ToString() => $"Blur(pad=({Pad0}, {Pad1}))";
}
