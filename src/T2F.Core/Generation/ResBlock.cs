using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>StyleGan2Discriminator residual block (rosinality <c>model.py</c> <c>ResBlock</c>): <c>(conv2(conv1(x)) + skip(x)) / sqrt 2</c>, halving the resolution.</summary>
internal sealed class ResBlock : Module<Tensor, Tensor>
{
    private static readonly double InvSqrt2 = 1.0 / Math.Sqrt(2.0);

    private readonly ConvLayer conv1;
    private readonly ConvLayer conv2;
    private readonly ConvLayer skip;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="blurTaps">FIR taps.</param>
    public ResBlock(int inChannels, int outChannels, IReadOnlyList<float>? blurTaps = null)
        : base(nameof(ResBlock))
    {
        conv1 = new ConvLayer(inChannels, inChannels, 3, blurTaps: blurTaps);
        conv2 = new ConvLayer(inChannels, outChannels, 3, downsample: true, blurTaps: blurTaps);
        skip = new ConvLayer(inChannels, outChannels, 1, downsample: true, useBias: false, activate: false, blurTaps: blurTaps);
        register_module("conv1", conv1);
        register_module("conv2", conv2);
        register_module("skip", skip);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var y = conv2.forward(conv1.forward(input));
        var s = skip.forward(input);
        return ModuleTrace.Report(this, (y + s) * InvSqrt2);
    }
}
