using System.Diagnostics;
using System.Text;
using T2F.Core.Metrics.FaceApi;
using T2F.Models.FaceApi;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics.FaceApi;

public sealed class FaceApiUnitTests
{
    private readonly ITestOutputHelper output;

    public FaceApiUnitTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(112, 3, 2, 0, 1)]   // even input, stride 2: TF pads only after
    [InlineData(7, 3, 2, 1, 1)]
    [InlineData(56, 3, 1, 1, 1)]
    [InlineData(56, 1, 2, 0, 0)]    // 1x1 stride 2: plain subsampling
    [InlineData(14, 3, 2, 0, 1)]
    public void TfSamePaddingAmounts(int size, int kernel, int stride, int before, int after)
    {
        Assert.Equal((before, after), TfSamePadding.Amount(size, kernel, stride));
    }

    [Fact]
    public void PadToSquarePutsTheRoundedHalfAfter()
    {
        // 40 - 17 = 23 columns of padding cannot split evenly: face-api (JavaScript) puts Math.round(23 / 2) = 12
        // after the image and the other 11 before; the other split would shift every landmark by one pixel.
        using var scope = torch.NewDisposeScope();
        var tall = torch.ones(1, 3, 40, 17);
        var square = FaceApiPreprocessing.PadToSquare(tall);
        Assert.Equal(new long[] { 1, 3, 40, 40 }, square.shape);
        var column = square[0, 0, 0];
        Assert.Equal(0f, column[10].item<float>());
        Assert.Equal(1f, column[11].item<float>());
        Assert.Equal(1f, column[27].item<float>());
        Assert.Equal(0f, column[28].item<float>());
    }

    [Fact]
    public void LegacyResizeSamplesWithoutHalfPixelOffset()
    {
        // 4 -> 2: output i samples input 2i exactly (no blending); PyTorch's half-pixel resize would average.
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(16, dtype: ScalarType.Float32).reshape(1, 1, 4, 4);
        var y = FaceApiPreprocessing.ResizeBilinearLegacy(x, 2, 2);
        Assert.Equal(new float[] { 0, 2, 8, 10 }, y.flatten().data<float>().ToArray());
    }

    [Fact]
    public void WeightsThatDoNotFitTheManifestAreRejected()
    {
        string manifest = "[{\"paths\":[\"w.bin\"],\"weights\":[{\"name\":\"a\",\"shape\":[2,2],\"dtype\":\"float32\"}]}]";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(manifest));
        var ex = Assert.Throws<InvalidDataException>(() => TfJsWeightMap.Load(stream, _ => new MemoryStream(new byte[12]), "test"));
        Assert.Contains("'a'", ex.Message);
    }

    [Fact]
    public void Uint8DequantisationIsDoubleThenFloat()
    {
        string manifest = "[{\"paths\":[\"w.bin\"],\"weights\":[{\"name\":\"q\",\"shape\":[3],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.1,\"min\":-1.0}}]}]";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(manifest));
        var map = TfJsWeightMap.Load(stream, _ => new MemoryStream(new byte[] { 0, 10, 255 }), "test");
        Assert.Equal(new[] { -1f, (float)((10 * 0.1) - 1.0), (float)((255 * 0.1) - 1.0) }, map["q"].Values);
    }

    [Fact]
    public void IdentityExtractorTakesSignedImagesAndIsFast()
    {
        using var extractor = FaceApiModels.LoadIdentityFeatureExtractor();
        using var scope = torch.NewDisposeScope();
        var images = (torch.rand(new long[] { 4, 3, 128, 128 }, generator: new torch.Generator(2)) * 2) - 1;
        var watch = Stopwatch.StartNew();
        var features = extractor.Extract(images);
        watch.Stop();
        output.WriteLine($"{extractor.Name}: 4 images 128x128 in {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(new long[] { 4, 128 }, features.shape);
        var direct = extractor.Net.ComputeDescriptors((images + 1) * 127.5);
        Assert.True((features - direct).abs().max().item<float>() < 1e-5);
        Assert.Equal(128, extractor.FeatureSize);
    }
}
