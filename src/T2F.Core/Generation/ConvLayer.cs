using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>
/// The discriminator's conv block (rosinality <c>model.py</c> <c>ConvLayer</c>), an indexed sequence like the reference's nn.Sequential:
/// not downsampling <c>0 = EqualConv2d, 1 = FusedLeakyReLU</c>; downsampling <c>0 = Blur, 1 = EqualConv2d (stride 2), 2 = FusedLeakyReLU</c>.
/// The conv has a bias only when there is no activation (the activation owns it otherwise).
/// </summary>
internal sealed class ConvLayer : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> layers = new();

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel size.</param>
    /// <param name="downsample">Blur + stride-2 conv.</param>
    /// <param name="useBias">Whether the block has a bias.</param>
    /// <param name="activate">Whether a fused leaky ReLU follows.</param>
    /// <param name="blurTaps">FIR taps.</param>
    public ConvLayer(int inChannels, int outChannels, int kernelSize, bool downsample = false, bool useBias = true, bool activate = true, IReadOnlyList<float>? blurTaps = null)
        : base(nameof(ConvLayer))
    {
        var taps = blurTaps ?? StyleGan2Defaults.BlurTaps;
        int stride = 1, padding = kernelSize / 2;
        if (downsample)
        {
            int p = taps.Count - 2 + (kernelSize - 1);
            layers.Add(new Blur(taps, (p + 1) / 2, p / 2));
            stride = 2;
            padding = 0;
        }

        layers.Add(new EqualConv2d(inChannels, outChannels, kernelSize, stride, padding, useBias: useBias && !activate));
        if (activate)
        {
            layers.Add(new FusedLeakyReLU(outChannels, useBias));
        }

        for (int i = 0; i < layers.Count; i++)
        {
            register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            x = layer.forward(x);
        }

        return ModuleTrace.Report(this, x);
    }
}
