using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// face-api's input pipeline (<c>NetInput.toBatchTensor(size, isCenter=true)</c> + <c>normalize</c>), bit for bit
/// where it matters: zero padding to a square (centred, with <c>Math.round(diff/2)</c> after the image and the rest
/// before it), TF's legacy bilinear resize (<c>alignCorners=false, halfPixelCenters=false</c>; PyTorch's
/// <c>interpolate</c> uses half-pixel centres and differs by up to 12 grey levels), then
/// <c>(x - [122.782, 117.001, 104.298]) / 255</c>. Tensors are NCHW RGB in 0..255.
/// </summary>
public static class FaceApiPreprocessing
{
    /// <summary>The per-channel RGB mean that face-api subtracts before its recognition, age/gender and expression nets.</summary>
    public static readonly IReadOnlyList<float> MeanRgb = new[] { 122.782f, 117.001f, 104.298f };

    /// <summary>Converts generator output in [-1, 1] to face-api's 0..255 range (no rounding).</summary>
    /// <param name="images">[N, 3, H, W] in [-1, 1].</param>
    public static Tensor FromSigned(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return ((images.to(ScalarType.Float32) + 1) * 127.5f).clamp(0, 255);
    }

    /// <summary>An image as raw interleaved RGB bytes (HWC, what the golden files and decoders hold) → [1, 3, H, W] in 0..255.</summary>
    /// <param name="rgb">H·W·3 bytes.</param>
    /// <param name="height">Height.</param>
    /// <param name="width">Width.</param>
    public static Tensor FromRgbBytes(byte[] rgb, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Length != height * width * 3)
        {
            throw new ArgumentException($"{rgb.Length} bytes given for a {height}x{width} RGB image ({height * width * 3} needed).", nameof(rgb));
        }

        using var scope = torch.NewDisposeScope();
        var hwc = torch.tensor(rgb, new long[] { height, width, 3 }, ScalarType.Byte);
        return hwc.to(ScalarType.Float32).permute(2, 0, 1).unsqueeze(0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pads to a square with zeros: <c>padToSquare(x, isCenterImage)</c>. Centred: <c>round(diff/2)</c> rows or columns
    /// after the image (bottom or right) and the rest before it; not centred: everything after.
    /// </summary>
    /// <param name="images">[N, C, H, W].</param>
    /// <param name="centred">face-api's <c>isCenterImage</c> (true for recognition, age/gender and expression).</param>
    public static Tensor PadToSquare(Tensor images, bool centred = true)
    {
        ArgumentNullException.ThrowIfNull(images);
        long h = images.shape[2], w = images.shape[3];
        if (h == w)
        {
            return images.alias();
        }

        long diff = Math.Abs(h - w);

        // JS Math.round rounds .5 up; diff/2 is never negative, so floor(x + 0.5) is the same.
        long after = centred ? (long)Math.Floor((diff * 0.5) + 0.5) : diff;
        long before = diff - after;
        var pad = h > w ? new[] { before, after, 0L, 0L } : new[] { 0L, 0L, before, after };
        return nn.functional.pad(images, pad, PaddingModes.Constant, 0);
    }

    /// <summary>
    /// TF's legacy bilinear resize (<c>tf.image.resizeBilinear(x, size, alignCorners=false, halfPixelCenters=false)</c>):
    /// output pixel <c>i</c> samples input coordinate <c>i · in/out</c>, between <c>floor</c> and <c>min(ceil, in-1)</c>.
    /// Computed as <c>Ry · x · Rxᵀ</c> with two interpolation matrices, in double precision.
    /// </summary>
    /// <param name="images">[N, C, H, W].</param>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    public static Tensor ResizeBilinearLegacy(Tensor images, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = torch.NewDisposeScope();
        var ry = InterpolationMatrix((int)images.shape[2], height, images.device);
        var rx = InterpolationMatrix((int)images.shape[3], width, images.device);
        var x = images.to(ScalarType.Float64);
        var result = ry.matmul(x).matmul(rx.t());
        return result.to(images.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pads to a square and resizes to <paramref name="size"/> (skipped when the square already has that size): what the
    /// net sees before mean subtraction (the golden <c>*.input150.f32</c> / <c>*.input112.f32</c>, there in NHWC).
    /// </summary>
    /// <param name="images">[N, 3, H, W] in 0..255.</param>
    /// <param name="size">150 for recognition, 112 for age/gender and expression.</param>
    public static Tensor ToNetInput(Tensor images, int size)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
        {
            throw new ArgumentException($"Images: expected [N, 3, H, W] RGB in 0..255, got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = torch.NewDisposeScope();
        var square = PadToSquare(images.to(ScalarType.Float32), centred: true);
        if (square.shape[2] != size)
        {
            square = ResizeBilinearLegacy(square, size, size);
        }

        return square.MoveToOuterDisposeScope();
    }

    /// <summary><c>(x - MeanRgb) / 255</c> per channel.</summary>
    /// <param name="netInput">[N, 3, S, S] in 0..255.</param>
    public static Tensor Normalize(Tensor netInput)
    {
        ArgumentNullException.ThrowIfNull(netInput);
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(MeanRgb.ToArray(), new long[] { 1, 3, 1, 1 }, ScalarType.Float32).to(netInput.device);
        return ((netInput - mean) / 255f).MoveToOuterDisposeScope();
    }

    private static Tensor InterpolationMatrix(int inSize, int outSize, Device device)
    {
        var m = new double[outSize * inSize];
        double ratio = (double)inSize / outSize;
        for (int o = 0; o < outSize; o++)
        {
            double src = o * ratio;
            int lo = (int)Math.Floor(src);
            int hi = Math.Min((int)Math.Ceiling(src), inSize - 1);
            double frac = src - lo;
            m[(o * inSize) + lo] += 1 - frac;
            m[(o * inSize) + hi] += frac;
        }

        return torch.tensor(m, new long[] { outSize, inSize }, ScalarType.Float64, device);
    }
}
