using SkiaSharp;
using T2F.Core.Imaging;

namespace T2F.Core.Data;

/// <summary>Image files decoded with SkiaSharp (T2F.Core itself only writes PNGs, with no imaging dependency).</summary>
public static class ImageFiles
{
    /// <summary>Decodes a PNG/JPEG file into packed RGB bytes.</summary>
    /// <param name="path">Image file.</param>
    /// <param name="width">Decoded width.</param>
    /// <param name="height">Decoded height.</param>
    /// <exception cref="InvalidDataException">The file is not a decodable image, or declares more than <see cref="ImageTensor.MaxDecodedPixels"/> pixels.</exception>
    public static byte[] LoadRgb24(string path, out int width, out int height)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"{path} is not an image SkiaSharp can decode (PNG, JPEG, WebP, ...).");
        ImageTensor.CheckDimensions(path, codec.Info.Width, codec.Info.Height);
        using var bitmap = SKBitmap.Decode(codec) ?? throw new InvalidDataException($"{path} is damaged: SkiaSharp could not decode its pixels.");
        using var rgba = bitmap.Copy(SKColorType.Rgba8888) ?? throw new InvalidDataException($"{path}: cannot convert to RGBA.");
        width = rgba.Width;
        height = rgba.Height;
        var src = rgba.Bytes;
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = src[i];
            rgb[j + 1] = src[i + 1];
            rgb[j + 2] = src[i + 2];
        }

        return rgb;
    }
}
