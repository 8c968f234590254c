using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>upfirdn2d's fast CPU path.</summary>
public static partial class UpFirDn2d
{
    /// <summary>
    /// The fast CPU path: the same zero insertion, padding and flipped kernel, but one depthwise convolution over
    /// [N, C, H, W] (groups = C) with the downsampling done by the stride. The reference's [N*C, 1, H, W]
    /// convolution with one input channel is a poor case for libtorch's kernels (measured 4-5x slower at 256x256).
    /// </summary>
    /// <param name="input">[N, C, H, W].</param>
    /// <param name="kernel">[kh, kw].</param>
    /// <param name="upX">Upsampling factor along W.</param>
    /// <param name="upY">Upsampling factor along H.</param>
    /// <param name="downX">Downsampling factor along W.</param>
    /// <param name="downY">Downsampling factor along H.</param>
    /// <param name="padX0">Zeros before along W (negative crops).</param>
    /// <param name="padX1">Zeros after along W (negative crops).</param>
    /// <param name="padY0">Zeros before along H (negative crops).</param>
    /// <param name="padY1">Zeros after along H (negative crops).</param>
    public static Tensor Depthwise(Tensor input, Tensor kernel, int upX, int upY, int downX, int downY, int padX0, int padX1, int padY0, int padY1)
    {
        Validate(input, kernel, upX, upY, downX, downY, padX0, padX1, padY0, padY1);
        long n = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        long kh = kernel.shape[0], kw = kernel.shape[1];

        Tensor x = input;
        if (upX > 1 || upY > 1)
        {
            x = nn.functional.pad(x.reshape(n, c, h, 1, w, 1), new long[] { 0, upX - 1, 0, 0, 0, upY - 1 }).reshape(n, c, h * upY, w * upX);
        }

        x = PadOrCrop(x, padX0, padX1, padY0, padY1);
        using var weight = kernel.flip(0, 1).to(x.dtype, x.device).reshape(1, 1, kh, kw).expand(c, 1, kh, kw).contiguous();
        return Convolutions.Conv2d(x, weight, null, (downY, downX), (0, 0), c);
    }
}
