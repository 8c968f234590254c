using T2F.Core.Imaging;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Imaging;

public class ImageTensorTests
{
    [Fact]
    public void MapsMinusOneToOneLikeTorchvisionSaveImage()
    {
        using var scope = NewDisposeScope();
        // Pixel (0,0): -1 -> 0, 0 -> 128 (127.5 + 0.5 truncated), 1 -> 255; out-of-range values clamp.
        var image = tensor(new float[] { -1f, 5f, 0f, -7f, 1f, 0.5f }).reshape(3, 1, 2);
        var rgb = ImageTensor.ToRgb24(image, out int w, out int h);
        Assert.Equal((2, 1), (w, h));
        Assert.Equal(new byte[] { 0, 128, 255, 255, 0, 191 }, rgb);
    }

    [Fact]
    public void PngRoundTripsThroughSkia()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var image = rand(1, 3, 9, 7) * 2 - 1;
        string dir = Directory.CreateTempSubdirectory("t2f-img").FullName;
        try
        {
            string path = Path.Combine(dir, "sub", "x.png");
            ImageTensor.SavePng(image, path);
            var back = ImageTensor.LoadRgb24(path, out int w, out int h);
            Assert.Equal((7, 9), (w, h));
            Assert.Equal(ImageTensor.ToRgb24(image, out _, out _), back);
            Assert.Single(Directory.GetFiles(Path.Combine(dir, "sub")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void GridTilesRowByRowAndFillsEmptyCells()
    {
        using var scope = NewDisposeScope();
        var images = stack(Enumerable.Range(0, 3).Select(i => full(new long[] { 3, 2, 2 }, (float)i)).ToArray());
        var grid = ImageTensor.Grid(images, columns: 2);
        Assert.Equal(new long[] { 3, 4, 4 }, grid.shape);
        Assert.Equal(0f, grid[0, 0, 0].item<float>());
        Assert.Equal(1f, grid[0, 0, 2].item<float>());
        Assert.Equal(2f, grid[0, 2, 0].item<float>());
        Assert.Equal(-1f, grid[0, 3, 3].item<float>());
        Assert.Throws<ArgumentException>(() => ImageTensor.Grid(zeros(2, 4, 2, 2)));
    }

    [Fact]
    public void RejectsNonImagesWithClearErrors()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => ImageTensor.ToRgb24(zeros(4, 8, 8), out _, out _));
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not an image");
            Assert.Throws<InvalidDataException>(() => ImageTensor.LoadRgb24(file, out _, out _));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
