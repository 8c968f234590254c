using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>
/// Projects features to RGB with a 1x1 non-demodulated modulated conv plus <c>bias [1, 3, 1, 1]</c>, and adds
/// the upsampled previous RGB (the skip) when given (rosinality <c>model.py</c> <c>ToRGB</c>).
/// </summary>
internal sealed class ToRGB : Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Parameter bias;
    private readonly Upsample? upsample;
    private readonly ModulatedConv2d conv;

    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">Feature channels.</param>
    /// <param name="styleDim">Size of w.</param>
    /// <param name="upsampleSkip">Whether the skip input is upsampled 2x (false only for the first ToRGB).</param>
    /// <param name="blurTaps">FIR taps.</param>
    public ToRGB(int inChannels, int styleDim, bool upsampleSkip = true, IReadOnlyList<float>? blurTaps = null)
        : base(nameof(ToRGB))
    {
        bias = new Parameter(torch.zeros(1, 3, 1, 1));
        register_parameter("bias", bias);
        if (upsampleSkip)
        {
            upsample = new Upsample(blurTaps ?? StyleGan2Defaults.BlurTaps);
            register_module("upsample", upsample);
        }

        conv = new ModulatedConv2d(inChannels, 3, 1, styleDim, demodulate: false);
        register_module("conv", conv);
    }

    /// <summary>The modulated 1x1 convolution.</summary>
    public ModulatedConv2d Conv => conv;

    /// <summary>Runs the layer.</summary>
    /// <param name="input">[B, C, H, W].</param>
    /// <param name="style">[B, style_dim].</param>
    /// <param name="skip">Previous RGB [B, 3, H/2, W/2] or null.</param>
    public override Tensor forward(Tensor input, Tensor style, Tensor? skip)
    {
        var rgb = conv.forward(input, style) + bias;
        if (skip is not null)
        {
            if (upsample is null)
            {
                throw new InvalidOperationException("This ToRGB was built without upsampling and cannot take a skip input.");
            }

            rgb = rgb + ModuleTrace.Report(upsample, upsample.forward(skip));
        }

        return ModuleTrace.Report(this, rgb);
    }
}
