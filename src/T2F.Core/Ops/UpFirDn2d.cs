using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// upfirdn2d: upsample by zero insertion, pad (negative pads crop), filter with a FIR kernel (a true
/// convolution: the kernel is flipped), downsample by keeping every <c>down</c>-th sample. Applied to every
/// [H, W] plane of an [N, C, H, W] tensor (reference: rosinality <c>op/upfirdn2d.py</c> <c>upfirdn2d_native</c>).
/// </summary>
public static class UpFirDn2d
{
    /// <summary>Output length along one axis: <c>(in*up + p0 + p1 - k + down) / down</c>.</summary>
    public static long OutputSize(long input, int up, int down, int pad0, int pad1, long kernel)
        => ((input * up) + pad0 + pad1 - kernel + down) / down;

    /// <summary>Runs upfirdn2d with the same factors on both axes and pad (p0, p1) on both axes.</summary>
    /// <param name="input">[N, C, H, W].</param>
    /// <param name="kernel">[kh, kw] FIR kernel (flipped before use, as the reference does).</param>
    /// <param name="up">Upsampling factor.</param>
    /// <param name="down">Downsampling factor.</param>
    /// <param name="pad">(p0, p1) for both axes, or (x0, x1, y0, y1).</param>
    public static Tensor Apply(Tensor input, Tensor kernel, int up = 1, int down = 1, params int[] pad)
    {
        ArgumentNullException.ThrowIfNull(pad);
        int[] p = pad.Length switch
        {
            0 => new[] { 0, 0, 0, 0 },
            2 => new[] { pad[0], pad[1], pad[0], pad[1] },
            4 => pad,
            _ => throw new ArgumentException($"upfirdn2d pad must have 2 entries (p0, p1) or 4 (x0, x1, y0, y1); got {pad.Length}.", nameof(pad)),
        };
        ArgumentNullException.ThrowIfNull(input);
        switch (OpSettings.Resolve(input))
        {
            case OpBackend.CpuFused:
                return Depthwise(input, kernel, up, up, down, down, p[0], p[1], p[2], p[3]);
            case OpBackend.Cuda when Cuda.CudaKernels.TryGetDefault(out var kernels, out _) && !(torch.is_grad_enabled() && input.requires_grad):
                return kernels!.UpFirDn2d(input, kernel, up, up, down, down, p[0], p[1], p[2], p[3]);
            default:
                return Reference(input, kernel, up, up, down, down, p[0], p[1], p[2], p[3]);
        }
    }

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

    private static Tensor PadOrCrop(Tensor x, int padX0, int padX1, int padY0, int padY1)
    {
        if (padX0 > 0 || padX1 > 0 || padY0 > 0 || padY1 > 0)
        {
            x = nn.functional.pad(x, new long[] { Math.Max(padX0, 0), Math.Max(padX1, 0), Math.Max(padY0, 0), Math.Max(padY1, 0) });
        }

        if (padX0 < 0 || padX1 < 0 || padY0 < 0 || padY1 < 0)
        {
            long cropY0 = Math.Max(-padY0, 0), cropY1 = Math.Max(-padY1, 0);
            long cropX0 = Math.Max(-padX0, 0), cropX1 = Math.Max(-padX1, 0);
            x = x.narrow(2, cropY0, x.shape[2] - cropY0 - cropY1).narrow(3, cropX0, x.shape[3] - cropX0 - cropX1);
        }

        return x;
    }

    private static void Validate(Tensor input, Tensor kernel, int upX, int upY, int downX, int downY, int padX0, int padX1, int padY0, int padY1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernel);
        if (input.dim() != 4)
        {
            throw new ArgumentException($"upfirdn2d expects [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        if (kernel.dim() != 2)
        {
            throw new ArgumentException($"upfirdn2d expects a 2-D kernel [kh, kw]; got shape [{string.Join(", ", kernel.shape)}].", nameof(kernel));
        }

        if (upX < 1 || upY < 1 || downX < 1 || downY < 1)
        {
            throw new ArgumentException($"upfirdn2d factors must be >= 1; got up ({upX}, {upY}), down ({downX}, {downY}).");
        }

        long h = input.shape[2], w = input.shape[3];
        long kh = kernel.shape[0], kw = kernel.shape[1];
        if (OutputSize(h, upY, downY, padY0, padY1, kh) < 1 || OutputSize(w, upX, downX, padX0, padX1, kw) < 1)
        {
            throw new ArgumentException($"upfirdn2d: input {h}x{w} with up ({upY}, {upX}), pads ({padY0}, {padY1}, {padX0}, {padX1}) and a {kh}x{kw} kernel leaves no output.");
        }
    }

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

    /// <summary>
    /// <c>make_kernel</c>: a 1-D kernel becomes its outer product with itself; the result is divided by its sum.
    /// </summary>
    /// <param name="taps">1-D taps such as [1, 3, 3, 1].</param>
    public static Tensor MakeKernel(IReadOnlyList<float> taps)
    {
        ArgumentNullException.ThrowIfNull(taps);
        if (taps.Count == 0)
        {
            throw new ArgumentException("A FIR kernel needs at least one tap.", nameof(taps));
        }

        using var k1 = torch.tensor(taps.ToArray(), dtype: ScalarType.Float32);
        using var k2 = k1.outer(k1);
        return k2 / k2.sum();
    }
}
