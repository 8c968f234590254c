using T2F.Core.Checkpoints;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

public sealed class StateDictReaderTests
{
    private static object? Load(PickleBuilder p, Dictionary<string, byte[]> storages)
    {
        using var ms = new MemoryStream(CheckpointFiles.Zip(p.ToArray(), storages));
        return PyTorchCheckpoint.Load(ms, "ckpt.pt");
    }

    [Fact]
    public void SubDictByKey()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("g_ema").EmptyDict().Str("w").FloatTensor("0", 2).SetItem()
            .Str("latent_avg").FloatTensor("1", 3)
            .SetItems().Stop();
        object? root = Load(p, new() { ["0"] = CheckpointFiles.Floats(1, 2), ["1"] = CheckpointFiles.Floats(3, 4, 5) });

        var g = StateDictReader.GetStateDict(root, "g_ema", "ckpt.pt");
        Assert.Equal(new[] { 1f, 2f }, g["w"].ToFloatArray());
        Assert.Equal(new long[] { 3 }, StateDictReader.GetTensor(root, "latent_avg", "ckpt.pt").Shape);
        Assert.True(StateDictReader.TryGetEntry(root, "g_ema", out _));
        Assert.False(StateDictReader.TryGetEntry(root, "d", out _));
    }

    [Fact]
    public void MissingKeyListsTheKeysThereAre()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Str("g").EmptyDict().SetItem().Stop();
        object? root = Load(p, new());

        var ex = Assert.Throws<CheckpointFormatException>(() => StateDictReader.GetStateDict(root, "g_ema", "ckpt.pt"));

        Assert.Contains("no entry 'g_ema'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("['g']", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonTensorEntriesAreListed()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("w").FloatTensor("0", 1)
            .Str("step").Int(3)
            .Int(5).FloatTensor("1", 1)
            .SetItems().Stop();
        object? root = Load(p, new() { ["0"] = CheckpointFiles.Floats(1), ["1"] = CheckpointFiles.Floats(2) });

        var ex = Assert.Throws<CheckpointFormatException>(() => StateDictReader.ToStateDict(root, "ckpt.pt"));

        Assert.Contains("2 of its 3 entries", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'step' is int", ex.Message, StringComparison.Ordinal);
        Assert.Contains("key 5 is int", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WholePickledModuleGetsAHint()
    {
        var p = new PickleBuilder().Proto(2).Global("model", "Generator").EmptyTuple().NewObj().EmptyDict().Build().Stop();
        object? root = Load(p, new());

        var ex = Assert.Throws<CheckpointFormatException>(() => StateDictReader.ToStateDict(root, "ckpt.pt"));

        Assert.Contains("model.Generator", ex.Message, StringComparison.Ordinal);
        Assert.Contains("model.state_dict()", ex.Message, StringComparison.Ordinal);
    }
}
