using T2F.Core.Ops.Convolution;
using TorchSharp;
using TorchSharp.Modules;
using T2F.Core.Ops;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Generation;

/// <summary>
/// Modulated (and optionally demodulated) convolution, StyleGAN2's core layer (rosinality <c>model.py</c> <c>ModulatedConv2d</c>). Parameters:
/// <c>weight [1, out, in, k, k]</c>, <c>modulation</c> = EqualLinear(style_dim, in, bias_init 1), and for
/// up/down-sampling a <c>blur</c> whose kernel is a buffer. No bias. Forward: (x [B, in, H, W], w [B, style_dim]).
/// </summary>
public sealed class ModulatedConv2d : Module<Tensor, Tensor, Tensor>
{
    private const double DemodulationEpsilon = 1e-8;

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
        Scale = 1.0 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        Padding = kernelSize / 2;
        var taps = blurTaps ?? StyleGan2Defaults.BlurTaps;

        weight = new Parameter(ParameterInit.Normal(1, outChannels, inChannels, kernelSize, kernelSize));
        register_parameter("weight", weight);
        if (upsample)
        {
            const int factor = 2;
            int p = taps.Count - factor - (kernelSize - 1);
            blur = new Blur(taps, FloorDiv(p + 1, 2) + factor - 1, FloorDiv(p, 2) + 1, upsampleFactor: factor);
            register_module("blur", blur);
        }
        else if (downsample)
        {
            const int factor = 2;
            int p = taps.Count - factor + (kernelSize - 1);
            blur = new Blur(taps, FloorDiv(p + 1, 2), FloorDiv(p, 2));
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

    /// <summary>
    /// The automatic choice for one call, from measurements of both strategies on every layer of a config-f
    /// generator (benchmarks: <c>modconv-strategies</c>, table in the README). The extra work of the grouped path
    /// is modulating and demodulating B*O*I*K*K weights; that of input scaling is two passes over the input and
    /// output activations. Measured: 1x1 ToRGB layers (3 outputs, tiny weights) are faster grouped at every size;
    /// 3x3 layers are faster with input scaling while the weights are at least as large as one sample's input
    /// activations (low resolutions), and grouped above that.
    /// </summary>
    /// <param name="batch">B.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="inputHeight">Input height.</param>
    /// <param name="inputWidth">Input width.</param>
    public static ModulatedConvStrategy ChooseStrategy(long batch, long inChannels, long outChannels, long kernelSize, long inputHeight, long inputWidth)
    {
        if (kernelSize == 1)
        {
            return ModulatedConvStrategy.GroupedWeights;
        }

        long weights = outChannels * inChannels * kernelSize * kernelSize;
        long activations = inChannels * inputHeight * inputWidth;
        return weights >= activations || batch > 1 && weights * batch >= activations * 2
            ? ModulatedConvStrategy.InputScaling
            : ModulatedConvStrategy.GroupedWeights;
    }

    /// <summary>The strategy a call on <paramref name="input"/> uses with the current settings.</summary>
    /// <param name="input">[B, in, H, W].</param>
    public ModulatedConvStrategy StrategyFor(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Strategy != ModulatedConvStrategy.Auto)
        {
            return Strategy;
        }

        return OpSettings.Backend == OpBackend.Reference
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
        var output = StrategyFor(input) == ModulatedConvStrategy.GroupedWeights ? Grouped(input, s) : InputScaled(input, s);
        return ModuleTrace.Report(this, output);
    }

    /// <summary>The reference's fused path: per-sample weights and a grouped convolution.</summary>
    private Tensor Grouped(Tensor input, Tensor s)
    {
        long b = input.shape[0], h = input.shape[2], w = input.shape[3];
        long inC = InChannels, outC = OutChannels, k = KernelSize;

        var wts = weight * Scale * s.view(b, 1, inC, 1, 1); // [B, out, in, k, k]
        if (Demodulate)
        {
            var demod = (wts.square().sum(new long[] { 2, 3, 4 }) + DemodulationEpsilon).rsqrt(); // [B, out]
            wts = wts * demod.view(b, outC, 1, 1, 1);
        }

        if (IsUpsample)
        {
            var x = input.view(1, b * inC, h, w);
            // conv_transpose2d wants [in, out / groups, k, k] per group: swap out/in per sample, no spatial flip.
            var wt = wts.transpose(1, 2).reshape(b * inC, outC, k, k);
            var y = Convolutions.Upsample2x(x, wt, groups: b);
            y = y.view(b, outC, y.shape[2], y.shape[3]);
            return blur!.forward(y);
        }

        if (IsDownsample)
        {
            var blurred = blur!.forward(input);
            var x = blurred.view(1, b * inC, blurred.shape[2], blurred.shape[3]);
            var y = Convolutions.Conv2d(x, wts.view(b * outC, inC, k, k), null, stride: 2, padding: 0, groups: b);
            return y.view(b, outC, y.shape[2], y.shape[3]);
        }

        {
            var x = input.view(1, b * inC, h, w);
            var y = Convolutions.Conv2d(x, wts.view(b * outC, inC, k, k), null, padding: Padding, groups: b);
            return y.view(b, outC, h, w);
        }
    }

    /// <summary>Input scaling + shared-weight convolution + output scaling (the reference's non-fused path).</summary>
    private Tensor InputScaled(Tensor input, Tensor s)
    {
        long b = input.shape[0];
        var wts = weight.squeeze(0) * Scale; // [out, in, k, k]
        var x = input * s.view(b, InChannels, 1, 1);

        Tensor y;
        if (IsUpsample)
        {
            y = Convolutions.Upsample2x(x, wts.transpose(0, 1));
            y = blur!.forward(y);
        }
        else if (IsDownsample)
        {
            y = Convolutions.Conv2d(blur!.forward(x), wts, null, stride: 2);
        }
        else
        {
            y = Convolutions.Conv2d(x, wts, null, padding: Padding);
        }

        if (Demodulate)
        {
            // sum_{i,kh,kw} (w[o,i] s[b,i])^2 = (s^2) @ (sum_k w^2)^T : [B, out] without materialising per-sample weights.
            var wsq = wts.square().sum(new long[] { 2, 3 }); // [out, in]
            var demod = (s.square().matmul(wsq.t()) + DemodulationEpsilon).rsqrt(); // [B, out]
            y = y * demod.view(b, OutChannels, 1, 1);
        }

        return y;
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);

    /// <inheritdoc />
    public override string ToString()
        => $"ModulatedConv2d({InChannels}, {OutChannels}, {KernelSize}, style_dim={StyleDim}, demodulate={Demodulate}{(IsUpsample ? ", upsample" : string.Empty)}{(IsDownsample ? ", downsample" : string.Empty)})";
}
