using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// upfirdn2d, the op's one name (NVlabs <c>torch_utils/ops/upfirdn2d.py</c>, rosinality <c>op/upfirdn2d.py</c>): upsample
/// by zero insertion, pad (negative pads crop), filter with a FIR kernel (a true convolution: the kernel is flipped),
/// downsample by keeping every <c>down</c>-th sample, on every [H, W] plane of an [N, C, H, W] tensor. The modules
/// that hold a kernel keep rosinality's names (<see cref="Generation.Blur"/>, <see cref="Generation.Upsample"/>,
/// <see cref="Generation.Downsample"/>). Everything of the op is in <c>Ops/UpFirDn2d/</c>: this entry,
/// <see cref="Reference"/>, the fast CPU path <see cref="Depthwise"/>, the CUDA launcher and <c>upfirdn2d.cu</c>, and the
/// cases that the tests and the GPU check share.
/// </summary>
public static partial class UpFirDn2d
{
    /// <summary>Output length along one axis: <c>(in*up + p0 + p1 - k + down) / down</c>.</summary>
    public static long OutputSize(long input, int up, int down, int pad0, int pad1, long kernel)
        => ((input * up) + pad0 + pad1 - kernel + down) / down;

    /// <summary>
    /// Runs upfirdn2d with the same factors on both axes and pad (p0, p1) on both axes, on the path the op settings
    /// select for <paramref name="input"/> (<see cref="OpSettings.Resolve"/>); the CUDA path records no autograd graph, so
    /// a call that needs gradients takes the reference path there.
    /// </summary>
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
            case OpBackend.Cuda when !(torch.is_grad_enabled() && input.requires_grad) && Cuda.CudaKernels.TryGetDefault(out var kernels, out _):
                return UpFirDn2dCuda.Forward(kernels!, input, kernel, up, up, down, down, p[0], p[1], p[2], p[3]);
            default:
                return Reference(input, kernel, up, up, down, down, p[0], p[1], p[2], p[3]);
        }
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

    /// <summary>Throws, naming the shapes, unless the arguments describe an upfirdn2d with at least one output sample.</summary>
    internal static void Validate(Tensor input, Tensor kernel, int upX, int upY, int downX, int downY, int padX0, int padX1, int padY0, int padY1)
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
