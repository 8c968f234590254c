using SkiaSharp;

namespace T2F.Core.Data;

/// <summary>
/// Decodes an image file (JPEG, PNG, WebP, ...) with SkiaSharp, crops the centre square, resizes it to R x R and writes
/// [3, R, R] floats in [-1, 1] (channel-major). Every failure becomes a <see cref="FaceImageException"/> naming the file.
/// </summary>
internal static class FaceImageDecoder
{
    public static void Decode(string path, int resolution, bool flip, Span<float> destination)
    {
        if (destination.Length < 3 * resolution * resolution)
        {
            throw new ArgumentException($"Need {3 * resolution * resolution} floats, got {destination.Length}.", nameof(destination));
        }

        SKCodec? codec;
        try
        {
            codec = SKCodec.Create(path, out var created);
            if (codec is null)
            {
                throw File.Exists(path)
                    ? new FaceImageException(path, $"is not an image SkiaSharp can decode ({created}): damaged, empty or in an unsupported format.", null)
                    : new FaceImageException(path, "does not exist.", null);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FaceImageException)
        {
            throw new FaceImageException(path, $"cannot be read: {e.Message}", e);
        }

        using (codec)
        {
            var full = codec.Info;
            if (full.Width < 1 || full.Height < 1)
            {
                throw new FaceImageException(path, $"has no pixels ({full.Width}x{full.Height}).", null);
            }

            if ((long)full.Width * full.Height > Imaging.ImageTensor.MaxDecodedPixels)
            {
                throw new FaceImageException(path, $"declares {full.Width}x{full.Height} pixels, more than the {Imaging.ImageTensor.MaxDecodedPixels:N0} (8192 x 8192) a face image may have: resize it first.", null);
            }

            // JPEG decodes at 1/2, 1/4, 1/8 scale for free: use the smallest that still covers the output.
            var size = full.Size;
            float scale = (float)resolution / Math.Min(full.Width, full.Height);
            if (scale < 1f)
            {
                var scaled = codec.GetScaledDimensions(scale);
                if (Math.Min(scaled.Width, scaled.Height) >= resolution)
                {
                    size = scaled;
                }
            }

            var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
            using var decoded = new SKBitmap(info);
            var result = codec.GetPixels(info, decoded.GetPixels());
            if (result != SKCodecResult.Success)
            {
                throw new FaceImageException(path, result == SKCodecResult.IncompleteInput
                    ? "is truncated or corrupt (the decoder ran out of data)."
                    : $"could not be decoded ({result}).", null);
            }

            using var output = new SKBitmap(new SKImageInfo(resolution, resolution, SKColorType.Rgba8888, SKAlphaType.Premul));
            using (var canvas = new SKCanvas(output))
            using (var image = SKImage.FromBitmap(decoded))
            {
                canvas.Clear(SKColors.Black);
                int side = Math.Min(size.Width, size.Height);
                var source = SKRect.Create((size.Width - side) / 2, (size.Height - side) / 2, side, side);
                if (flip)
                {
                    canvas.Scale(-1f, 1f, resolution / 2f, 0f);
                }

                var sampling = side > resolution ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear) : new SKSamplingOptions(SKCubicResampler.Mitchell);
                canvas.DrawImage(image, source, new SKRect(0, 0, resolution, resolution), sampling);
            }

            var pixels = output.GetPixelSpan();
            int plane = resolution * resolution;
            for (int i = 0, p = 0; i < plane; i++, p += 4)
            {
                destination[i] = (pixels[p] / 127.5f) - 1f;
                destination[plane + i] = (pixels[p + 1] / 127.5f) - 1f;
                destination[(2 * plane) + i] = (pixels[p + 2] / 127.5f) - 1f;
            }
        }
    }
}
