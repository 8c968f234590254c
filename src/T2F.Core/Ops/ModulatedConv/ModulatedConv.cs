using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// The modulated convolution, the op's one name here (NVlabs <c>modulated_conv2d</c> in <c>training/networks.py</c>,
/// rosinality <c>ModulatedConv2d.forward</c>): per-sample style scaling of a shared weight, optional demodulation,
/// optional 2x up- (transposed convolution, then blur) or down-sampling (blur, then stride 2). Its public entry is the
/// checkpoint's module <c>Generation.ModulatedConv2d</c>, which owns the weight, the modulation and the blur and calls this
/// op. Everything of the op is in <c>Ops/ModulatedConv/</c>: the strategy rule, the reference path
/// (<see cref="Grouped"/>), the CPU fast path (<see cref="InputScaled"/>), the CUDA launchers with <c>modulate.cu</c>
/// and <c>modconv.cu</c>, and the cases that the tests and the GPU check share.
/// </summary>
internal static partial class ModulatedConv
{
    /// <summary>Added to the sum of squares before the reciprocal square root of demodulation (rosinality: 1e-8).</summary>
    public const double DemodulationEpsilon = 1e-8;

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

    /// <summary>
    /// Runs the op with a concrete strategy (<see cref="ModulatedConvStrategy.GroupedWeights"/> or
    /// <see cref="ModulatedConvStrategy.InputScaling"/>; both compute the same maths).
    /// </summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="input">[B, I, H, W].</param>
    /// <param name="weight">The shared weight [O, I, K, K], unscaled (the equalized-learning-rate scale is applied here).</param>
    /// <param name="styles">[B, I], the modulation's output.</param>
    /// <param name="demodulate">Whether each output channel's weights are normalised.</param>
    /// <param name="upsample">2x up-sampling: transposed convolution, then the blur.</param>
    /// <param name="downsample">2x down-sampling: the blur, then a stride-2 convolution.</param>
    /// <param name="blurKernel">The blur's FIR kernel [k, k] (make_kernel(taps), times 4 for up-sampling); null without resampling.</param>
    public static Tensor Apply(ModulatedConvStrategy strategy, Tensor input, Tensor weight, Tensor styles, bool demodulate, bool upsample, bool downsample, Tensor? blurKernel)
        => strategy switch
        {
            ModulatedConvStrategy.GroupedWeights => Grouped(input, weight, styles, demodulate, upsample, downsample, blurKernel),
            ModulatedConvStrategy.InputScaling => InputScaled(input, weight, styles, demodulate, upsample, downsample, blurKernel),
            _ => throw new ArgumentException($"ModulatedConv.Apply needs a concrete strategy; got {strategy} (ModulatedConv2d.StrategyFor resolves Auto).", nameof(strategy)),
        };

    /// <summary>The equalized-learning-rate scale <c>1 / sqrt(I K K)</c> of a weight [O, I, K, K].</summary>
    /// <param name="inChannels">I.</param>
    /// <param name="kernelSize">K.</param>
    public static double Scale(long inChannels, long kernelSize) => 1.0 / Math.Sqrt(inChannels * kernelSize * kernelSize);

    /// <summary>
    /// The blur's pads around a resampling convolution (rosinality <c>ModulatedConv2d.__init__</c>, factor 2):
    /// up-sampling <c>p = taps - 2 - (K - 1)</c>, pads <c>((p + 1) / 2 + 1, p / 2 + 1)</c>; down-sampling
    /// <c>p = taps - 2 + (K - 1)</c>, pads <c>((p + 1) / 2, p / 2)</c>, floor division both.
    /// </summary>
    /// <param name="taps">Length of the 1-D blur taps (4 for [1, 3, 3, 1]).</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="upsample">Up-sampling (true) or down-sampling (false).</param>
    public static (int Pad0, int Pad1) BlurPads(int taps, int kernelSize, bool upsample)
    {
        const int factor = 2;
        if (upsample)
        {
            int p = taps - factor - (kernelSize - 1);
            return (FloorDiv(p + 1, 2) + factor - 1, FloorDiv(p, 2) + 1);
        }

        int q = taps - factor + (kernelSize - 1);
        return (FloorDiv(q + 1, 2), FloorDiv(q, 2));
    }

    /// <summary>The blur's kernel for a resampling convolution: make_kernel(taps), times factor^2 = 4 after up-sampling (rosinality <c>Blur</c>).</summary>
    /// <param name="taps">1-D taps.</param>
    /// <param name="upsample">Whether it follows an up-sampling.</param>
    public static Tensor BlurKernel(IReadOnlyList<float> taps, bool upsample)
    {
        using var k = UpFirDn2d.MakeKernel(taps);
        return upsample ? k * 4 : k.clone();
    }

    private static Tensor Blur(Tensor x, Tensor? blurKernel, int kernelSize, bool upsample)
    {
        if (blurKernel is null)
        {
            throw new ArgumentException("A resampling modulated convolution needs its blur kernel.", nameof(blurKernel));
        }

        var (pad0, pad1) = BlurPads((int)blurKernel.shape[0], kernelSize, upsample);
        return UpFirDn2d.Apply(x, blurKernel, 1, 1, pad0, pad1);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);
}
