using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>
/// StyleGAN2 synthesis layer (rosinality <c>model.py</c> <c>StyledConv</c>): modulated conv -> + noise -> + bias -> leaky ReLU * sqrt 2.
/// Submodules <c>conv</c>, <c>noise</c>, <c>activate</c>.
/// </summary>
internal sealed class StyledConv : Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly ModulatedConv2d conv;
    private readonly NoiseInjection noise;
    private readonly FusedLeakyReLU activate;

    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel size.</param>
    /// <param name="styleDim">Size of w.</param>
    /// <param name="upsample">2x upsampling.</param>
    /// <param name="blurTaps">FIR taps.</param>
    public StyledConv(int inChannels, int outChannels, int kernelSize, int styleDim, bool upsample = false, IReadOnlyList<float>? blurTaps = null)
        : base(nameof(StyledConv))
    {
        conv = new ModulatedConv2d(inChannels, outChannels, kernelSize, styleDim, demodulate: true, upsample: upsample, blurTaps: blurTaps);
        noise = new NoiseInjection();
        activate = new FusedLeakyReLU(outChannels);
        register_module("conv", conv);
        register_module("noise", noise);
        register_module("activate", activate);
    }

    /// <summary>The modulated convolution.</summary>
    public ModulatedConv2d Conv => conv;

    /// <summary>Runs the layer.</summary>
    /// <param name="input">[B, in, H, W].</param>
    /// <param name="style">w for this layer, [B, style_dim].</param>
    /// <param name="noiseInput">[B or 1, 1, H', W'] at the output resolution.</param>
    public override Tensor forward(Tensor input, Tensor style, Tensor noiseInput)
    {
        var y = conv.forward(input, style);
        y = noise.forward(y, noiseInput);
        return ModuleTrace.Report(this, activate.forward(y));
    }

    /// <inheritdoc />
    public override string ToString() => $"StyledConv({conv})";
}
