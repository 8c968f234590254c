using T2F.Core.Data;
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
        var image = rand(new long[] { 1, 3, 9, 7 }, generator: new TorchSharp.torch.Generator(2)) * 2 - 1;
        string dir = Directory.CreateTempSubdirectory("t2f-img").FullName;
        try
        {
            string path = Path.Combine(dir, "sub", "x.png");
            ImageTensor.SavePng(image, path);
            var back = ImageFiles.LoadRgb24(path, out int w, out int h);
            Assert.Equal((7, 9), (w, h));
            Assert.Equal(ImageTensor.ToRgb24(image, out _, out _), back);
            Assert.Single(Directory.GetFiles(Path.Combine(dir, "sub")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // A tiny PNG whose header claims width x height pixels (valid signature, IHDR and CRCs; the pixels are missing).
    internal static byte[] PngClaiming(int width, int height)
    {
        static byte[] Chunk(string type, byte[] data)
        {
            var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            var length = BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(data.Length));
            var crc = BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(System.IO.Hashing.Crc32.HashToUInt32(typed)));
            return length.Concat(typed).Concat(crc).ToArray();
        }

        var ihdr = BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(width))
            .Concat(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(height)))
            .Concat(new byte[] { 8, 2, 0, 0, 0 }).ToArray();
        return new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }
            .Concat(Chunk("IHDR", ihdr)).Concat(Chunk("IDAT", new byte[] { 0x78, 0x9c, 3, 0, 0, 0, 0, 1 })).Concat(Chunk("IEND", Array.Empty<byte>())).ToArray();
    }

    [Fact]
    public void AnImageClaimingHugeDimensionsIsRefusedBeforeDecoding()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-img").FullName;
        try
        {
            string path = Path.Combine(dir, "bomb.png");
            File.WriteAllBytes(path, PngClaiming(100_000, 100_000));
            var error = Assert.Throws<InvalidDataException>(() => ImageFiles.LoadRgb24(path, out _, out _));
            Assert.Contains("100000x100000", error.Message);
            Assert.Contains(path, error.Message);
            var face = Assert.Throws<T2F.Core.Data.FaceImageException>(() => T2F.Core.Data.FaceImageDecoder.Decode(path, 16, false, new float[3 * 16 * 16]));
            Assert.Contains("100000x100000", face.Message);
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
            Assert.Throws<InvalidDataException>(() => ImageFiles.LoadRgb24(file, out _, out _));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
