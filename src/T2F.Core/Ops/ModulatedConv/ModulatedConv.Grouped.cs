using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>The modulated convolution's reference path.</summary>
internal static partial class ModulatedConv
{
    /// <summary>
    /// The per-sample weights of the reference's fused path: <c>scale * weight * style</c> [B, O, I, K, K], demodulated
    /// by <c>rsqrt(sum_{I,K,K} w^2 + 1e-8)</c> [B, O] when asked (rosinality <c>ModulatedConv2d.forward</c>).
    /// </summary>
    /// <param name="weight">[O, I, K, K], unscaled.</param>
    /// <param name="styles">[B, I].</param>
    /// <param name="demodulate">Whether to demodulate.</param>
    public static (Tensor Weights, Tensor? Demodulation) ModulatedWeights(Tensor weight, Tensor styles, bool demodulate)
    {
        long b = styles.shape[0], outC = weight.shape[0], inC = weight.shape[1];
        var wts = weight.unsqueeze(0) * Scale(inC, weight.shape[2]) * styles.view(b, 1, inC, 1, 1); // [B, O, I, K, K]
        if (!demodulate)
        {
            return (wts, null);
        }

        var demod = (wts.square().sum(new long[] { 2, 3, 4 }) + DemodulationEpsilon).rsqrt(); // [B, O]
        return (wts * demod.view(b, outC, 1, 1, 1), demod);
    }

    /// <summary>
    /// The reference path, rosinality's fused branch: per-sample weights (<see cref="ModulatedWeights"/>) and one grouped
    /// convolution with groups = B (transposed with stride 2 for up-sampling, then the blur; after the blur with stride 2
    /// for down-sampling). Differentiable; the grouped strategy of <see cref="Generation.ModulatedConv2d"/>.
    /// </summary>
    /// <param name="input">[B, I, H, W].</param>
    /// <param name="weight">[O, I, K, K], unscaled.</param>
    /// <param name="styles">[B, I].</param>
    /// <param name="demodulate">Whether to demodulate.</param>
    /// <param name="upsample">2x up-sampling.</param>
    /// <param name="downsample">2x down-sampling.</param>
    /// <param name="blurKernel">The blur's kernel (<see cref="BlurKernel"/>), or null without resampling.</param>
    public static Tensor Grouped(Tensor input, Tensor weight, Tensor styles, bool demodulate, bool upsample, bool downsample, Tensor? blurKernel)
    {
        long b = input.shape[0], h = input.shape[2], w = input.shape[3];
        long inC = weight.shape[1], outC = weight.shape[0], k = weight.shape[2];
        var (wts, _) = ModulatedWeights(weight, styles, demodulate);

        if (upsample)
        {
            var x = input.view(1, b * inC, h, w);
            // conv_transpose2d wants [in, out / groups, k, k] per group: swap out/in per sample, no spatial flip.
            var wt = wts.transpose(1, 2).reshape(b * inC, outC, k, k);
            var y = Convolutions.Upsample2x(x, wt, groups: b);
            y = y.view(b, outC, y.shape[2], y.shape[3]);
            return Blur(y, blurKernel, (int)k, upsample: true);
        }

        if (downsample)
        {
            var blurred = Blur(input, blurKernel, (int)k, upsample: false);
            var x = blurred.view(1, b * inC, blurred.shape[2], blurred.shape[3]);
            var y = Convolutions.Conv2d(x, wts.view(b * outC, inC, k, k), null, stride: 2, padding: 0, groups: b);
            return y.view(b, outC, y.shape[2], y.shape[3]);
        }

        {
            var x = input.view(1, b * inC, h, w);
            var y = Convolutions.Conv2d(x, wts.view(b * outC, inC, k, k), null, padding: k / 2, groups: b);
            return y.view(b, outC, h, w);
        }
    }
}
