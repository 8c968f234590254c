using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>upfirdn2d's reference path.</summary>
public static partial class UpFirDn2d
{
    /// <summary>The reference path: zero insertion via reshape + pad, crop, conv2d with the flipped kernel, strided slice.</summary>
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
    public static Tensor Reference(Tensor input, Tensor kernel, int upX, int upY, int downX, int downY, int padX0, int padX1, int padY0, int padY1)
    {
        Validate(input, kernel, upX, upY, downX, downY, padX0, padX1, padY0, padY1);
        long n = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        long kh = kernel.shape[0], kw = kernel.shape[1];
        long outH = OutputSize(h, upY, downY, padY0, padY1, kh);
        long outW = OutputSize(w, upX, downX, padX0, padX1, kw);

        // [N*C, H, 1, W, 1] -> zero insertion -> [N*C, H*upY, W*upX]; zeros trail each sample.
        Tensor x = input.reshape(n * c, h, 1, w, 1);
        if (upX > 1 || upY > 1)
        {
            x = nn.functional.pad(x, new long[] { 0, upX - 1, 0, 0, 0, upY - 1 });
        }

        x = x.reshape(n * c, 1, h * upY, w * upX);

        // Positive pads add zeros, negative pads crop.
        x = PadOrCrop(x, padX0, padX1, padY0, padY1);

        // True convolution = cross-correlation with the flipped kernel.
        using var flipped = kernel.flip(0, 1).reshape(1, 1, kh, kw).to(x.dtype, x.device);
        x = Convolutions.Conv2d(x, flipped);

        if (downX > 1 || downY > 1)
        {
            x = x[TensorIndex.Ellipsis, TensorIndex.Slice(null, null, downY), TensorIndex.Slice(null, null, downX)];
        }

        return x.reshape(n, c, outH, outW);
    }
}
