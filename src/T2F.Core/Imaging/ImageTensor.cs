using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Imaging;

/// <summary>
/// Converts generator output ([3, H, W] or [1, 3, H, W], values in [-1, 1]) to 8-bit RGB and PNG files (T2F.Core's own
/// PNG encoder: no imaging library; decoding image files is T2F.Data's <c>ImageFiles</c>).
/// </summary>
public static class ImageTensor
{
    /// <summary>
    /// Maps [-1, 1] to bytes the way torchvision's <c>save_image(normalize=True, range=(-1, 1))</c> does in the
    /// reference generate.py: clamp, rescale to [0, 255], add 0.5, truncate. Returns packed RGB, row-major.
    /// </summary>
    /// <param name="image">[3, H, W] or [1, 3, H, W], any device.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    public static byte[] ToRgb24(Tensor image, out int width, out int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = torch.NewDisposeScope();
        var x = image.dim() == 4 && image.shape[0] == 1 ? image.squeeze(0) : image;
        if (x.dim() != 3 || x.shape[0] != 3)
        {
            throw new ArgumentException($"An image must be [3, H, W] or [1, 3, H, W]; got [{string.Join(", ", image.shape)}].", nameof(image));
        }

        height = (int)x.shape[1];
        width = (int)x.shape[2];
        var bytes = x.detach().cpu().to(ScalarType.Float32).nan_to_num(0).clamp(-1, 1)
            .add(1).mul(127.5).add(0.5).clamp(0, 255)
            .to(ScalarType.Byte).permute(1, 2, 0).contiguous();
        return bytes.bytes.ToArray();
    }

    /// <summary>
    /// Tiles images [N, 3, R, R] into one image [3, rows * R, columns * R], row by row; empty cells are black (-1).
    /// </summary>
    /// <param name="images">The images.</param>
    /// <param name="columns">Images per row; null makes the grid about square.</param>
    public static Tensor Grid(Tensor images, int? columns = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[0] < 1)
        {
            throw new ArgumentException($"Grid needs images [N, 3, H, W] with N >= 1; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = torch.NewDisposeScope();
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        long cols = columns ?? (long)Math.Ceiling(Math.Sqrt(n));
        long rows = (n + cols - 1) / cols;
        var padded = rows * cols == n ? images : torch.cat(new[] { images, torch.full(new long[] { (rows * cols) - n, 3, h, w }, -1f, images.dtype, images.device) }, 0);
        return padded.view(rows, cols, 3, h, w).permute(2, 0, 3, 1, 4).reshape(3, rows * h, cols * w).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes one image as PNG bytes (managed encoder: <see cref="PngEncoder"/>).</summary>
    /// <param name="image">[3, H, W] or [1, 3, H, W] in [-1, 1].</param>
    public static byte[] ToPng(Tensor image)
    {
        var rgb = ToRgb24(image, out int width, out int height);
        return PngEncoder.EncodeRgb24(rgb, width, height);
    }

    /// <summary>Writes one image as a PNG file, atomically (temp file in the same folder, then rename).</summary>
    /// <param name="image">[3, H, W] or [1, 3, H, W] in [-1, 1].</param>
    /// <param name="path">Target file; its folder is created if needed.</param>
    public static void SavePng(Tensor image, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IO.AtomicFile.WriteBytes(path, ToPng(image));
    }

    /// <summary>
    /// The most pixels an image file may declare (8192 x 8192): decoding allocates 4 bytes per pixel from the header's
    /// dimensions, so a 100-byte file claiming 100,000 x 100,000 pixels is refused before anything is allocated.
    /// </summary>
    public const long MaxDecodedPixels = 8192L * 8192;

    /// <summary>Refuses image dimensions above <see cref="MaxDecodedPixels"/> (or below one pixel), naming the file.</summary>
    /// <param name="path">The file, for the message.</param>
    /// <param name="width">Declared width.</param>
    /// <param name="height">Declared height.</param>
    /// <exception cref="InvalidDataException">Out of range.</exception>
    internal static void CheckDimensions(string path, int width, int height)
    {
        if (width < 1 || height < 1 || (long)width * height > MaxDecodedPixels)
        {
            throw new InvalidDataException($"{path} declares {width}x{height} pixels; images of 1 to {MaxDecodedPixels:N0} pixels (8192 x 8192) are read. Resize it first.");
        }
    }
}
