using System.Text.Json;
using T2F.Core.Checkpoints;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>
/// Reads the real torch.save checkpoints of the StyleGAN2 golden folder ($T2F_STYLEGAN2_GOLDEN, default
/// ../shared/golden/stylegan2-small relative to the repository root) and compares every tensor with the raw float32
/// files its manifest lists. Names, shapes and files all come from manifest.json.
/// </summary>
public sealed class CheckpointGoldenTests
{
    private const string EnvironmentVariable = "T2F_STYLEGAN2_GOLDEN";
    private const string DefaultFolder = "../shared/golden/stylegan2-small";

    private static readonly string[] TrainLayoutKeys = ["g", "d", "g_ema", "g_optim", "d_optim", "args", "ada_aug_p"];

    private static string Folder => RepoPaths.GoldenFolder(EnvironmentVariable, DefaultFolder);

    private static JsonElement Manifest() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement;

    [Fact]
    public void TrainCheckpointHasTheTrainPyLayout()
    {
        object? root = PyTorchCheckpoint.Load(Path.Combine(Folder, "checkpoint.pt"));

        var dict = Assert.IsType<PickleDict>(root);
        foreach (string key in TrainLayoutKeys)
        {
            Assert.True(dict.ContainsKey(key), $"checkpoint.pt has no '{key}'; keys: {string.Join(", ", dict.Keys)}");
        }

        // g and g_ema are the same architecture: same names and shapes, in the same order.
        var g = StateDictReader.GetStateDict(root, "g", "checkpoint.pt");
        var gEma = StateDictReader.GetStateDict(root, "g_ema", "checkpoint.pt");
        Assert.Equal(gEma.Keys, g.Keys);
        foreach (var (name, tensor) in gEma)
        {
            Assert.Equal(tensor.Shape, g[name].Shape);
        }

        // Optimiser state dicts and args load as plain data.
        Assert.IsType<PickleDict>(dict["g_optim"]);
        Assert.IsType<PickleDict>(dict["d_optim"]);
        Assert.NotNull(dict["args"]);
        Assert.IsType<double>(dict["ada_aug_p"]);
    }

    [Fact]
    public void TrainCheckpointTensorsMatchTheManifestBitwise()
    {
        JsonElement manifest = Manifest();
        object? root = PyTorchCheckpoint.Load(Path.Combine(Folder, "checkpoint.pt"));

        int compared = 0;
        foreach (JsonProperty stateDict in manifest.GetProperty("state_dicts").EnumerateObject())
        {
            var tensors = StateDictReader.GetStateDict(root, stateDict.Name, "checkpoint.pt");
            compared += CompareWithManifest(tensors, stateDict, "checkpoint.pt");
        }

        Assert.True(compared > 0, "the manifest lists no state_dict tensors");
    }

    [Fact]
    public void ConvertedCheckpointMatchesTheManifestBitwise()
    {
        JsonElement manifest = Manifest();
        object? root = PyTorchCheckpoint.Load(Path.Combine(Folder, "checkpoint_converted.pt"));

        JsonProperty gEma = manifest.GetProperty("state_dicts").EnumerateObject().Single(p => p.Name == "g_ema");
        var tensors = StateDictReader.GetStateDict(root, "g_ema", "checkpoint_converted.pt");
        Assert.True(CompareWithManifest(tensors, gEma, "checkpoint_converted.pt") > 0);

        // latent_avg is the mean W: one vector of style_dim floats.
        TensorData latentAvg = StateDictReader.GetTensor(root, "latent_avg", "checkpoint_converted.pt");
        int styleDim = manifest.GetProperty("model").GetProperty("style_dim").GetInt32();
        Assert.Equal(TensorDataType.Float32, latentAvg.DType);
        Assert.Equal(new long[] { styleDim }, latentAvg.Shape);
        Assert.All(latentAvg.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void CheckpointLoadsFromAStreamThatCannotSeek()
    {
        string path = Path.Combine(Folder, "checkpoint_converted.pt");
        using var stream = new NonSeekableStream(File.ReadAllBytes(path));

        object? root = PyTorchCheckpoint.Load(stream, path);

        Assert.NotEmpty(StateDictReader.GetStateDict(root, "g_ema", path));
    }

    [Fact]
    public void TruncatedCheckpointGivesAHelpfulError()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder, "checkpoint.pt"));
        using var temp = new TempFolder();
        string path = temp.Write("half.pt", bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("re-download or re-copy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckpointWithoutItsCentralDirectoryTailGivesAHelpfulError()
    {
        // Cut only the last bytes: the local entries are intact, the zip directory is not.
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder, "checkpoint_converted.pt"));
        using var temp = new TempFolder();
        string path = temp.Write("cut.pt", bytes[..(bytes.Length - 10)]);

        var ex = Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));

        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    private static int CompareWithManifest(IReadOnlyDictionary<string, TensorData> tensors, JsonProperty stateDict, string file)
    {
        int count = 0;
        foreach (JsonProperty entry in stateDict.Value.EnumerateObject())
        {
            string key = entry.Name;
            Assert.True(tensors.ContainsKey(key), $"{file}[\"{stateDict.Name}\"] has no tensor '{key}'");
            TensorData tensor = tensors[key];
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.True(shape.SequenceEqual(tensor.Shape),
                $"{stateDict.Name}.{key}: shape {TensorData.FormatShape(tensor.Shape)} in {file}, {TensorData.FormatShape(shape)} in the manifest");
            Assert.Equal(TensorDataType.Float32, tensor.DType);

            byte[] expected = File.ReadAllBytes(Path.Combine(Folder, entry.Value.GetProperty("file").GetString()!));
            Assert.True(expected.AsSpan().SequenceEqual(tensor.Data),
                $"{stateDict.Name}.{key}: the {tensor.Data.Length} bytes in {file} differ from the {expected.Length} bytes of the manifest's file");
            count++;
        }

        return count;
    }

    /// <summary>A read-only stream that cannot seek, like a network stream.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
