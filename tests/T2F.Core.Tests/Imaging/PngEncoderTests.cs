using SkiaSharp;
using T2F.Core.Imaging;
using Xunit;

namespace T2F.Core.Tests.Imaging;

public class PngEncoderTests
{
    public static TheoryData<int, int, bool> Sizes() => new()
    {
        { 1, 1, false }, { 3, 2, false }, { 7, 9, false }, { 64, 64, true }, { 130, 17, false }, { 256, 256, true },
    };

    // Noise exercises every filter's wrap-around; smooth gradients make Sub, Up, Average and Paeth win.
    private static byte[] Pixels(int width, int height, bool smooth)
    {
        var random = new Random((width * 1000) + height);
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    rgb[(((y * width) + x) * 3) + c] = smooth ? (byte)((x * (c + 1)) + (y * 2) + (random.Next(3) - 1)) : (byte)random.Next(256);
                }
            }
        }

        return rgb;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SkiaDecodesExactlyThePixelsThatWereEncoded(int width, int height, bool smooth)
    {
        var rgb = Pixels(width, height, smooth);
        byte[] png = PngEncoder.EncodeRgb24(rgb, width, height);
        Assert.Equal(png, PngEncoder.EncodeRgb24(rgb, width, height)); // deterministic
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        var decoded = rgba.Bytes;
        for (int i = 0; i < width * height; i++)
        {
            Assert.True(decoded[(i * 4) + 0] == rgb[(i * 3) + 0] && decoded[(i * 4) + 1] == rgb[(i * 3) + 1] && decoded[(i * 4) + 2] == rgb[(i * 3) + 2], $"pixel {i} differs");
        }

        if (smooth)
        {
            Assert.True(png.Length < rgb.Length / 2, $"a smooth {width}x{height} image should compress (got {png.Length} of {rgb.Length} bytes): the row filters are not working");
        }
    }

    [Fact]
    public void WrongSizesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb24(new byte[12], 2, 3));
        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb24(Array.Empty<byte>(), 0, 1));
        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb24(new byte[3], 100_000, 100_000));
    }
}
