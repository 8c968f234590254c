using BenchmarkDotNet.Attributes;
using SkiaSharp;
using T2F.Core.Imaging;

namespace T2F.Benchmarks;

/// <summary>PNG encoding of one generated-face-like image: the managed encoder T2F.Core uses against SkiaSharp's.</summary>
[MemoryDiagnoser(false)]
public class PngEncodingBenchmarks
{
    private byte[] rgb = null!;
    private byte[] rgba = null!;

    [Params(64, 256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A smooth image with a little noise, like a face: gradients plus +-2 per pixel.
        var random = new Random(1);
        rgb = new byte[Size * Size * 3];
        rgba = new byte[Size * Size * 4];
        for (int i = 0; i < Size * Size; i++)
        {
            int x = i % Size, y = i / Size;
            for (int c = 0; c < 3; c++)
            {
                byte v = (byte)Math.Clamp(((x + y) * (c + 1) / 3) + random.Next(-2, 3), 0, 255);
                rgb[(i * 3) + c] = v;
                rgba[(i * 4) + c] = v;
            }

            rgba[(i * 4) + 3] = 255;
        }
    }

    [Benchmark(Baseline = true)]
    public int SkiaSharp()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return (int)data.Size;
    }

    [Benchmark]
    public int Managed() => PngEncoder.EncodeRgb24(rgb, Size, Size).Length;
}
