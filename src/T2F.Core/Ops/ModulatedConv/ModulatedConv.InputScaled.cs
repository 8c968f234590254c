using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>The modulated convolution's CPU fast path.</summary>
internal static partial class ModulatedConv
{
    /// <summary>
    /// The fast path, rosinality's non-fused branch: scale the input by the styles, convolve with the shared weight (no
    /// per-sample weights, no grouped convolution), scale the output by the demodulation coefficients, computed as
    /// <c>(s^2) @ (sum_k w^2)^T</c> without materialising per-sample weights. Differentiable; the input-scaling strategy of
    /// <see cref="Generation.ModulatedConv2d"/>, far cheaper than <see cref="Grouped"/> where the weights outweigh the activations.
    /// </summary>
    /// <param name="input">[B, I, H, W].</param>
    /// <param name="weight">[O, I, K, K], unscaled.</param>
    /// <param name="styles">[B, I].</param>
    /// <param name="demodulate">Whether to demodulate.</param>
    /// <param name="upsample">2x up-sampling.</param>
    /// <param name="downsample">2x down-sampling.</param>
    /// <param name="blurKernel">The blur's kernel (<see cref="BlurKernel"/>), or null without resampling.</param>
    public static Tensor InputScaled(Tensor input, Tensor weight, Tensor styles, bool demodulate, bool upsample, bool downsample, Tensor? blurKernel)
    {
        long b = input.shape[0], inC = weight.shape[1], outC = weight.shape[0], k = weight.shape[2];
        var wts = weight * Scale(inC, k); // [O, I, K, K]
        var x = input * styles.view(b, inC, 1, 1);

        Tensor y;
        if (upsample)
        {
            y = Convolutions.Upsample2x(x, wts.transpose(0, 1));
            y = Blur(y, blurKernel, (int)k, upsample: true);
        }
        else if (downsample)
        {
            y = Convolutions.Conv2d(Blur(x, blurKernel, (int)k, upsample: false), wts, null, stride: 2);
        }
        else
        {
            y = Convolutions.Conv2d(x, wts, null, padding: k / 2);
        }

        if (demodulate)
        {
            // sum_{i,kh,kw} (w[o,i] s[b,i])^2 = (s^2) @ (sum_k w^2)^T : [B, O] without materialising per-sample weights.
            var wsq = wts.square().sum(new long[] { 2, 3 }); // [O, I]
            var demod = (styles.square().matmul(wsq.t()) + DemodulationEpsilon).rsqrt(); // [B, O]
            y = y * demod.view(b, outC, 1, 1);
        }

        return y;
    }
}
