using TorchSharp;
using TorchSharp.Modules;
using T2F.Core.Ops;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>
/// Modulated (and optionally demodulated) convolution, StyleGAN2's core layer (rosinality <c>model.py</c> <c>ModulatedConv2d</c>). Parameters:
/// <c>weight [1, out, in, k, k]</c>, <c>modulation</c> = EqualLinear(style_dim, in, bias_init 1), and for
/// up/down-sampling a <c>blur</c> whose kernel is a buffer. No bias. Forward: (x [B, in, H, W], w [B, style_dim]). The
/// public entry of the modulated convolution op, whose paths live in <c>Ops/ModulatedConv/</c>.
/// </summary>
public sealed class ModulatedConv2d : Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly EqualLinear modulation;
    private readonly Blur? blur;

    /// <summary>Creates the layer with the reference initialisation.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel size (3 for convolutions, 1 for ToRGB).</param>
    /// <param name="styleDim">Size of w.</param>
    /// <param name="demodulate">Whether to normalise each output channel's weights.</param>
    /// <param name="upsample">2x upsampling by transposed convolution + blur.</param>
    /// <param name="downsample">2x downsampling by blur + strided convolution.</param>
    /// <param name="blurTaps">1-D FIR taps, default [1, 3, 3, 1].</param>
    public ModulatedConv2d(int inChannels, int outChannels, int kernelSize, int styleDim, bool demodulate = true, bool upsample = false, bool downsample = false, IReadOnlyList<float>? blurTaps = null)
        : base(nameof(ModulatedConv2d))
    {
        if (upsample && downsample)
        {
            throw new ArgumentException("ModulatedConv2d cannot both upsample and downsample.");
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        StyleDim = styleDim;
        Demodulate = demodulate;
        IsUpsample = upsample;
        IsDownsample = downsample;
        Scale = ModulatedConv.Scale(inChannels, kernelSize);
        Padding = kernelSize / 2;
        var taps = blurTaps ?? StyleGan2Defaults.BlurTaps;

        weight = new Parameter(ParameterInit.Normal(1, outChannels, inChannels, kernelSize, kernelSize));
        register_parameter("weight", weight);
        if (upsample || downsample)
        {
            var (pad0, pad1) = ModulatedConv.BlurPads(taps.Count, kernelSize, upsample);
            blur = new Blur(taps, pad0, pad1, upsampleFactor: upsample ? 2 : 1);
            register_module("blur", blur);
        }

        modulation = new EqualLinear(styleDim, inChannels, biasInit: 1f);
        register_module("modulation", modulation);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size.</summary>
    public int KernelSize { get; }

    /// <summary>Size of w.</summary>
    public int StyleDim { get; }

    /// <summary>Whether output channels are demodulated.</summary>
    public bool Demodulate { get; }

    /// <summary>True for 2x upsampling.</summary>
    public bool IsUpsample { get; }

    /// <summary>True for 2x downsampling.</summary>
    public bool IsDownsample { get; }

    /// <summary>Equalized-learning-rate weight scale <c>1 / sqrt(in*k*k)</c>.</summary>
    public double Scale { get; }

    /// <summary>Padding of the plain convolution (k / 2).</summary>
    public int Padding { get; }

    /// <summary>Execution strategy; <see cref="ModulatedConvStrategy.Auto"/>: grouped under the reference backend, else <see cref="ChooseStrategy"/>.</summary>
    public ModulatedConvStrategy Strategy { get; set; } = ModulatedConvStrategy.Auto;

    /// <summary>The automatic choice for one call (the measured rule of the op, <c>Ops/ModulatedConv/ModulatedConv.cs</c>): grouped for 1x1
    /// layers, input scaling for 3x3 layers while the weights are at least as large as one sample's input activations.</summary>
    /// <param name="batch">B.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="inputHeight">Input height.</param>
    /// <param name="inputWidth">Input width.</param>
    public static ModulatedConvStrategy ChooseStrategy(long batch, long inChannels, long outChannels, long kernelSize, long inputHeight, long inputWidth)
        => ModulatedConv.ChooseStrategy(batch, inChannels, outChannels, kernelSize, inputHeight, inputWidth);

    /// <summary>The strategy a call on <paramref name="input"/> uses with the current settings.</summary>
    /// <param name="input">[B, in, H, W].</param>
    public ModulatedConvStrategy StrategyFor(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Strategy != ModulatedConvStrategy.Auto)
        {
            return Strategy;
        }

        return OpSettings.Current.Backend == OpBackend.Reference
            ? ModulatedConvStrategy.GroupedWeights
            : ChooseStrategy(input.shape[0], InChannels, OutChannels, KernelSize, input.shape[2], input.shape[3]);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor style)
    {
        TensorShapes.Expect(input, 4, $"{this} input", $"[B, {InChannels}, H, W]");
        TensorShapes.ExpectDim(input, 1, InChannels, $"{this} input", $"[B, {InChannels}, H, W]");
        TensorShapes.Expect(style, 2, $"{this} style", $"[B, {StyleDim}]");
        if (style.shape[0] != input.shape[0])
        {
            throw new ArgumentException($"{this}: style batch {style.shape[0]} does not match input batch {input.shape[0]} ({TensorShapes.Format(style)} vs {TensorShapes.Format(input)}).");
        }

        var s = modulation.forward(style); // [B, in]
        var output = ModulatedConv.Apply(StrategyFor(input), input, weight[0], s, Demodulate, IsUpsample, IsDownsample, blur?.Kernel);
        return ModuleTrace.Report(this, output);
    }

    /// <inheritdoc />
    public override string ToString()
        => $"ModulatedConv2d({InChannels}, {OutChannels}, {KernelSize}, style_dim={StyleDim}, demodulate={Demodulate}{(IsUpsample ? ", upsample" : string.Empty)}{(IsDownsample ? ", downsample" : string.Empty)})";
}
