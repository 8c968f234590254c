using T2F.Core.Checkpoints;
using T2F.Core.Generation;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

// SafeTensorsFile.Open: tensors read from the open file on use (straight into a model), never a different file's bytes.
public class SafeTensorsReaderTests
{
    private static Dictionary<string, TensorData> Sample() => new()
    {
        ["a"] = TensorData.FromFloats(Enumerable.Range(0, 12).Select(i => i * 0.5f).ToArray(), new long[] { 3, 4 }),
        ["b"] = new TensorData(TensorDataType.Int64, new long[] { 2 }, BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(-3L)).ToArray()),
        ["empty"] = TensorData.FromFloats(Array.Empty<float>(), new long[] { 0, 5 }),
    };

    [Fact]
    public void ParseOfTheBytesInMemoryGivesWhatReadGivesAndRejectsEveryTruncation()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        SafeTensorsFile.Write(path, Sample(), new Dictionary<string, string> { ["k"] = "v" });
        byte[] bytes = File.ReadAllBytes(path);
        var eager = SafeTensorsFile.Read(path);
        var parsed = SafeTensorsFile.Parse(bytes, "resource x");
        Assert.Equal(eager.Tensors.Keys, parsed.Tensors.Keys);
        Assert.Equal("v", parsed.Metadata["k"]);
        foreach (var (name, expected) in eager.Tensors)
        {
            Assert.Equal(expected.Shape, parsed.Tensors[name].Shape);
            Assert.Equal(expected.Data, parsed.Tensors[name].Data);
        }

        // Every prefix of the file is refused with a message that names the bytes, as a truncated file is.
        for (int length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Parse(bytes.AsSpan(0, length), "resource x"));
            Assert.StartsWith("resource x is not a valid safetensors file", error.Message);
        }
    }

    [Fact]
    public void OpenGivesTheSameTensorsAndMetadataAsRead()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        SafeTensorsFile.Write(path, Sample(), new Dictionary<string, string> { ["k"] = "v" });
        var eager = SafeTensorsFile.Read(path);
        using var reader = SafeTensorsFile.Open(path);
        Assert.Equal(eager.Tensors.Keys, reader.Content.Tensors.Keys);
        Assert.Equal("v", reader.Content.Metadata["k"]);
        foreach (var (name, expected) in eager.Tensors)
        {
            var lazy = reader.Content.Tensors[name];
            Assert.Equal(expected.DType, lazy.DType);
            Assert.Equal(expected.Shape, lazy.Shape);
            var copied = new byte[expected.Data.Length];
            lazy.CopyTo(copied);
            Assert.Equal(expected.Data, copied);
            Assert.Equal(expected.Data, lazy.Data);
        }
    }

    [Fact]
    public void AFileReplacedAfterOpenIsNotMixedIn()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        SafeTensorsFile.Write(path, Sample());
        using var reader = SafeTensorsFile.Open(path);
        var other = Sample();
        other["a"] = TensorData.FromFloats(Enumerable.Repeat(9f, 12).ToArray(), new long[] { 3, 4 });
        SafeTensorsFile.Write(path, other); // atomic replace: the open file keeps the old bytes
        Assert.Equal(0.5f, reader.Content.Tensors["a"].ToFloatArray()[1]);
    }

    [Fact]
    public void AfterDisposeReadBytesStayAndUnreadOnesThrow()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        SafeTensorsFile.Write(path, Sample());
        TensorData a, b;
        using (var reader = SafeTensorsFile.Open(path))
        {
            a = reader.Content.Tensors["a"];
            b = reader.Content.Tensors["b"];
            _ = a.Data;
        }

        Assert.Equal(1f, a.ToFloatArray()[2]);
        Assert.Throws<ObjectDisposedException>(() => b.Data);
        Assert.Throws<ObjectDisposedException>(() => b.CopyTo(new byte[16]));
    }

    [Fact]
    public void AFileTruncatedAfterOpenGivesAFormatErrorNamingIt()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        SafeTensorsFile.Write(path, Sample());
        using var reader = SafeTensorsFile.Open(path);
        long dataStart = 8 + BitConverter.ToInt64(File.ReadAllBytes(path), 0);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(dataStart); // truncated in place (not replaced) to the header: every tensor is gone
        }

        var error = Assert.Throws<CheckpointFormatException>(() => reader.Content.Tensors["a"].Data);
        Assert.Contains("truncated", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void OpenValidatesTheHeaderAsReadDoes()
    {
        using var folder = new TempFolder();
        string path = folder.Write("bad.safetensors", new byte[] { 1, 2, 3 });
        Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Open(folder.File("missing.safetensors")));
    }

    [Fact]
    public void CopyToRefusesADestinationOfAnotherSize()
    {
        var data = TensorData.FromFloats(new float[] { 1, 2, 3 }, new long[] { 3 });
        Assert.Throws<ArgumentException>(() => data.CopyTo(new byte[8]));
    }

    [Fact]
    public void LoadingFileTensorsEqualsLoadingTorchTensorsAndConvertsOtherDtypes()
    {
        using var scope = NewDisposeScope();
        using var source = new EqualLinear(4, 3);
        using var folder = new TempFolder();
        string path = folder.File("layer.safetensors");
        var state = source.state_dict().ToDictionary(p => p.Key, p => p.Value.ToTensorData());
        state["bias"] = full(3, 0.25, ScalarType.Float16).ToTensorData(); // converted on copy, as the tensor overload does
        SafeTensorsFile.Write(path, state);

        using var viaFile = new EqualLinear(4, 3);
        using (var reader = SafeTensorsFile.Open(path))
        {
            ModuleStateLoader.Load(viaFile, reader.Content.Tensors, path);
        }

        using var viaTensors = new EqualLinear(4, 3);
        ModuleStateLoader.Load(viaTensors, SafeTensorsFile.Read(path).Tensors.ToTensors(), path);
        foreach (var (name, expected) in viaTensors.state_dict())
        {
            Assert.Equal(ScalarType.Float32, viaFile.state_dict()[name].dtype);
            Assert.True(expected.allclose(viaFile.state_dict()[name], rtol: 0, atol: 0), name);
        }

        Assert.Equal(0.25f, viaFile.state_dict()["bias"][0].item<float>());
        var mismatch = new Dictionary<string, TensorData>(state) { ["weight"] = TensorData.FromFloats(new float[6], new long[] { 3, 2 }) };
        var error = Assert.Throws<StateDictMismatchException>(() => ModuleStateLoader.Load(viaFile, mismatch, "file.safetensors"));
        Assert.Contains("weight", error.Message);
    }
}
