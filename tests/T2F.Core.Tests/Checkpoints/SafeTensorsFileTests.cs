using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using T2F.Core.Checkpoints;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

public sealed class SafeTensorsFileTests
{
    private static TensorData Tensor(TensorDataType type, long[] shape, int seed)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var data = new byte[count * type.ElementSize()];
        new Random(seed).NextBytes(data);
        if (type == TensorDataType.Bool)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] &= 1;
            }
        }

        return new TensorData(type, shape, data);
    }

    private static byte[] File(string header, byte[] buffer, int? declaredLength = null)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(declaredLength ?? h.Length));
        h.CopyTo(bytes, 8);
        buffer.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    private static CheckpointFormatException ReadFails(byte[] bytes)
    {
        using var temp = new TempFolder();
        string path = temp.Write("bad.safetensors", bytes);
        var ex = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void RoundTripKeepsEveryDTypeOrderAndMetadata()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.safetensors");
        var tensors = new List<KeyValuePair<string, TensorData>>
        {
            new("z.u8", Tensor(TensorDataType.UInt8, [3], 1)),
            new("a.f32", Tensor(TensorDataType.Float32, [2, 3], 2)),
            new("m.f16", Tensor(TensorDataType.Float16, [5], 3)),
            new("b.bf16", Tensor(TensorDataType.BFloat16, [1, 1, 3], 4)),
            new("f64", Tensor(TensorDataType.Float64, [2], 5)),
            new("i64", Tensor(TensorDataType.Int64, [], 6)),
            new("i32", Tensor(TensorDataType.Int32, [4], 7)),
            new("i16", Tensor(TensorDataType.Int16, [3], 8)),
            new("i8", Tensor(TensorDataType.Int8, [7], 9)),
            new("mask", Tensor(TensorDataType.Bool, [2, 2], 10)),
            new("empty", Tensor(TensorDataType.Float32, [0, 3], 11)),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["source"] = "stylegan2 \"ffhq\" ünïcode" };

        SafeTensorsFile.Write(path, tensors, metadata);
        SafeTensorsContent content = SafeTensorsFile.Read(path);

        Assert.Equal(tensors.Select(t => t.Key), content.Tensors.Keys);
        foreach (var (name, expected) in tensors)
        {
            TensorData actual = content.Tensors[name];
            Assert.Equal(expected.DType, actual.DType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Data, actual.Data);
        }

        Assert.Equal(metadata, content.Metadata);
    }

    [Fact]
    public void WrittenFileFollowsTheFormat()
    {
        using var temp = new TempFolder();
        string path = temp.File("x.safetensors");
        SafeTensorsFile.Write(path, [new("b", Tensor(TensorDataType.UInt8, [3], 1)), new("a", TensorData.FromFloats([1, 2], [2]))]);

        byte[] bytes = System.IO.File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + 3 + 8, bytes.Length);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        Assert.Equal("U8", header.RootElement.GetProperty("b").GetProperty("dtype").GetString());
        Assert.Equal("[2]", header.RootElement.GetProperty("a").GetProperty("shape").GetRawText());
        // Aligned layout: the float tensor comes first in the data so it sits on a 4-byte boundary.
        Assert.Equal("[0,8]", header.RootElement.GetProperty("a").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[8,11]", header.RootElement.GetProperty("b").GetProperty("data_offsets").GetRawText());
        Assert.False(header.RootElement.TryGetProperty("__metadata__", out _));
    }

    [Fact]
    public void WriteIsAtomicAndLeavesNoTemporaryFile()
    {
        using var temp = new TempFolder();
        string path = temp.File("w.safetensors");
        SafeTensorsFile.Write(path, [new("x", TensorData.FromFloats([1], [1]))]);
        SafeTensorsFile.Write(path, [new("y", TensorData.FromFloats([2, 3], [2]))]); // overwrite

        Assert.Equal(new[] { path }, Directory.GetFiles(temp.Path));
        Assert.Equal(new[] { "y" }, SafeTensorsFile.Read(path).Tensors.Keys);

        // A failing write (duplicate name) leaves the old file and no temporary file.
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path,
            [new("a", TensorData.FromFloats([1], [1])), new("a", TensorData.FromFloats([1], [1]))]));
        Assert.Equal(new[] { path }, Directory.GetFiles(temp.Path));
        Assert.Equal(new[] { "y" }, SafeTensorsFile.Read(path).Tensors.Keys);
    }

    [Fact]
    public void ReservedAndEmptyNamesAreRejected()
    {
        using var temp = new TempFolder();
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(temp.File("a"), [new("__metadata__", TensorData.FromFloats([1], [1]))]));
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(temp.File("a"), [new(string.Empty, TensorData.FromFloats([1], [1]))]));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void TooShortFile() =>
        Assert.Contains("too short", ReadFails([1, 2, 3]).Message, StringComparison.Ordinal);

    [Fact]
    public void HeaderLengthLargerThanTheFile()
    {
        var ex = ReadFails(File("{}", [], declaredLength: 4096));
        Assert.Contains("header length is 4096", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderThatIsNotJson() =>
        Assert.Contains("not valid JSON", ReadFails(File("{\"a\": [1, 2", [])).Message, StringComparison.Ordinal);

    [Fact]
    public void UnsupportedDType() =>
        Assert.Contains("'F8_E4M3'", ReadFails(File("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", [0])).Message, StringComparison.Ordinal);

    [Fact]
    public void SizeThatDoesNotMatchTheShape()
    {
        var ex = ReadFails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]));
        Assert.Contains("(8 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("span 4 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlappingTensors()
    {
        var ex = ReadFails(File(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            new byte[8]));
        Assert.Contains("overlap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedDataBuffer()
    {
        using var temp = new TempFolder();
        string path = temp.File("full.safetensors");
        SafeTensorsFile.Write(path, [new("w", TensorData.FromFloats(new float[64], [8, 8]))]);
        byte[] bytes = System.IO.File.ReadAllBytes(path);

        var ex = ReadFails(bytes[..^10]);

        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetadataMustBeStrings() =>
        Assert.Contains("metadata entry 'n'", ReadFails(File("{\"__metadata__\":{\"n\":1}}", [])).Message, StringComparison.Ordinal);

    [Fact]
    public void NegativeShape() =>
        Assert.Contains("non-negative", ReadFails(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", [])).Message, StringComparison.Ordinal);
}
