using T2F.Core.Checkpoints;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>The legacy (PyTorch &lt; 1.6) torch.save format, built byte by byte.</summary>
public sealed class LegacyCheckpointTests
{
    private static PickleBuilder LegacyTensor(PickleBuilder p, string storageType, string rootKey, long numel, (string Key, long Offset, long Size)? view, long offset, long[] size, long[] stride)
    {
        p.Global("torch._utils", "_rebuild_tensor_v2").Mark();
        p.Mark().Str("storage").Global("torch", storageType).Str(rootKey).Str("cuda:0").Int(numel);
        if (view is { } v)
        {
            p.Str(v.Key).Int(v.Offset).Int(v.Size).Tuple3();
        }
        else
        {
            p.None();
        }

        p.Tuple().BinPersId();
        p.Int(offset).IntTuple(size).IntTuple(stride).Bool(false).Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return p.Tuple().Reduce();
    }

    private static object? Load(byte[] file)
    {
        using var temp = new TempFolder();
        return PyTorchCheckpoint.Load(temp.Write("legacy.pt", file));
    }

    [Fact]
    public void LegacyStateDictLoads()
    {
        var p = new PickleBuilder().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();
        p.Str("conv.weight");
        LegacyTensor(p, "FloatStorage", "140", 6, null, 0, [2, 3], [3, 1]);
        p.Str("conv.weight.T");
        LegacyTensor(p, "FloatStorage", "140", 6, null, 0, [3, 2], [1, 3]);
        p.Str("steps");
        LegacyTensor(p, "LongStorage", "99", 1, null, 0, [], []);
        p.SetItems().Stop();
        byte[] file = CheckpointFiles.Legacy(p.ToArray(),
        [
            ("140", CheckpointFiles.Floats(CheckpointFiles.Range(6)), 4),
            ("99", BitConverter.GetBytes(123456789012L), 8),
        ]);

        var sd = StateDictReader.ToStateDict(Load(file), "legacy.pt");

        Assert.Equal(new[] { "conv.weight", "conv.weight.T", "steps" }, sd.Keys);
        Assert.Equal(CheckpointFiles.Range(6), sd["conv.weight"].ToFloatArray());
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, sd["conv.weight.T"].ToFloatArray());
        Assert.Equal(TensorDataType.Int64, sd["steps"].DType);
        Assert.Equal(123456789012L, BitConverter.ToInt64(sd["steps"].Data));
    }

    [Fact]
    public void LegacyStorageViewsLoad()
    {
        // Root storage of 10 floats; view 'v' = elements 4..8; the tensor reads view elements 1..3.
        var p = new PickleBuilder().Proto(2);
        LegacyTensor(p, "FloatStorage", "root", 10, ("v", 4, 4), 1, [3], [1]);
        p.Stop();
        byte[] file = CheckpointFiles.Legacy(p.ToArray(), [("root", CheckpointFiles.Floats(CheckpointFiles.Range(10)), 4)]);

        var t = Assert.IsType<TensorData>(Load(file));

        Assert.Equal(new float[] { 5, 6, 7 }, t.ToFloatArray());
    }

    [Fact]
    public void LegacyFileWithoutTensorsLoads()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Str("epoch").Int(12).SetItem().Stop();
        byte[] file = CheckpointFiles.Legacy(p.ToArray(), []);

        var d = Assert.IsType<PickleDict>(Load(file));

        Assert.Equal(12L, d["epoch"]);
    }

    [Fact]
    public void LegacyElementCountMismatchIsReported()
    {
        var p = new PickleBuilder().Proto(2);
        LegacyTensor(p, "FloatStorage", "k", 3, null, 0, [3], [1]);
        p.Stop();
        byte[] file = CheckpointFiles.Legacy(p.ToArray(), [("k", CheckpointFiles.Floats(1, 2), 4)]);

        var ex = Assert.Throws<CheckpointFormatException>(() => Load(file));

        Assert.Contains("storage 'k' has 2 elements", ex.Message, StringComparison.Ordinal);
    }
}
