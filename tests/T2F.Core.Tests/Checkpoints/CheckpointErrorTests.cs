using System.IO.Compression;
using System.Text;
using T2F.Core.Checkpoints;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>Broken and foreign files give a <see cref="CheckpointFormatException"/> that names the file and the fix.</summary>
public sealed class CheckpointErrorTests
{
    private static CheckpointFormatException LoadFails(byte[] bytes, string name = "broken.pt")
    {
        using var temp = new TempFolder();
        string path = temp.Write(name, bytes);
        var ex = Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    private static CheckpointFormatException ZipFails(PickleBuilder pickle, Dictionary<string, byte[]> storages) =>
        LoadFails(CheckpointFiles.Zip(pickle.ToArray(), storages));

    [Fact]
    public void EmptyFile()
    {
        var ex = LoadFails([]);
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("re-download or re-copy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFile()
    {
        var ex = LoadFails(Encoding.UTF8.GetBytes("size: 256\nlatent: 512\n"), "config.pt");
        Assert.Contains("text file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("size: 256", ex.Message, StringComparison.Ordinal);
        Assert.Contains("torch.save", ex.Message, StringComparison.Ordinal);
        Assert.Contains("_use_new_zipfile_serialization=True", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GitLfsPointer()
    {
        var ex = LoadFails(Encoding.ASCII.GetBytes("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12345\n"));
        Assert.Contains("Git LFS pointer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("git lfs pull", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlPage()
    {
        var ex = LoadFails(Encoding.ASCII.GetBytes("<!DOCTYPE html><html><body>Sign in</body></html>"));
        Assert.Contains("HTML page", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryGarbage()
    {
        var ex = LoadFails([0x00, 0x01, 0x02, 0xFE, 0xFF, 0x10, 0x00, 0x00]);
        Assert.Contains("0x000102FEFF100000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected a PyTorch checkpoint written by torch.save", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SafeTensorsFileIsRecognised()
    {
        using var temp = new TempFolder();
        string st = temp.File("model.safetensors");
        SafeTensorsFile.Write(st, [new("w", TensorData.FromFloats([1, 2], [2]))]);

        var ex = LoadFails(File.ReadAllBytes(st));

        Assert.Contains("SafeTensorsFile.Read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainPickleIsNotACheckpoint()
    {
        var ex = LoadFails(new PickleBuilder().Proto(2).EmptyDict().Str("a").Int(1).SetItem().Stop().ToArray());
        Assert.Contains("magic number", ex.Message, StringComparison.Ordinal);
        Assert.Contains("torch.save", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZipWithoutDataPkl()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("weights/readme.txt").Open();
            s.Write("hello"u8);
        }

        var ex = LoadFails(ms.ToArray());

        Assert.Contains("data.pkl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("weights/readme.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingStorageEntry()
    {
        var ex = ZipFails(new PickleBuilder().Proto(2).FloatTensor("5", 4).Stop(), new());
        Assert.Contains("'archive/data/5'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageShorterThanDeclared()
    {
        var ex = ZipFails(new PickleBuilder().Proto(2).FloatTensor("0", 4).Stop(), new() { ["0"] = CheckpointFiles.Floats(1, 2) });
        Assert.Contains("'archive/data/0'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("16 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ViewBeyondItsStorage()
    {
        // numel 4 declared and present, but the view reads element 5.
        var p = new PickleBuilder().Proto(2).Tensor("FloatStorage", "0", 4, 2, [2], [2]).Stop();
        var ex = ZipFails(p, new() { ["0"] = CheckpointFiles.Floats(1, 2, 3, 4) });
        Assert.Contains("element 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("holds only 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOpcodeNamesTheByteAndOffset()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Raw(0xFF).Stop();
        var ex = ZipFails(p, new());
        Assert.Contains("unknown pickle opcode 0xff", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at byte 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("archive/data.pkl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PickleCutShort()
    {
        byte[] full = new PickleBuilder().Proto(2).EmptyDict().Str("abcdef").Str("value").SetItem().Stop().ToArray();
        var ex = ZipFails(new PickleBuilder().Raw(full[..8]), new());
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StackUnderflow()
    {
        var ex = ZipFails(new PickleBuilder().Proto(2).SetItem().Stop(), new());
        Assert.Contains("stack is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoReadBeforeWrite()
    {
        var ex = ZipFails(new PickleBuilder().Proto(2).BinGet(4).Stop(), new());
        Assert.Contains("memo entry 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedStorageType()
    {
        var p = new PickleBuilder().Proto(2).Tensor("ComplexFloatStorage", "0", 1, 0, [1], [1]).Stop();
        var ex = ZipFails(p, new() { ["0"] = new byte[8] });
        Assert.Contains("torch.ComplexFloatStorage", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not support", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RebuildTensorWithoutAStorage()
    {
        var p = new PickleBuilder().Proto(2).Global("torch._utils", "_rebuild_tensor_v2")
            .Mark().Str("not a storage").Int(0).IntTuple(1).IntTuple(1).Bool(false).None().Tuple().Reduce().Stop();
        var ex = ZipFails(p, new());
        Assert.Contains("expects a storage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedSizeAndStride()
    {
        var p = new PickleBuilder().Proto(2).Tensor("FloatStorage", "0", 4, 0, [2, 2], [1]).Stop();
        var ex = ZipFails(p, new() { ["0"] = CheckpointFiles.Floats(1, 2, 3, 4) });
        Assert.Contains("2 sizes but 1 strides", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedLegacyFile()
    {
        byte[] pickle = new PickleBuilder().Proto(2)
            .Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str("1").Str("cpu").Int(4).None().Tuple().BinPersId()
            .Int(0).IntTuple(4).IntTuple(1).Bool(false).Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce().Stop().ToArray();
        byte[] file = CheckpointFiles.Legacy(pickle, [("1", CheckpointFiles.Floats(1, 2, 3, 4), 4)]);

        var ex = LoadFails(file[..^6]);

        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("storage '1'", ex.Message, StringComparison.Ordinal);
    }
}
