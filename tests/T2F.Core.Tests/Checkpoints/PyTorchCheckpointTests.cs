using System.Buffers.Binary;
using System.Numerics;
using T2F.Core.Checkpoints;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>Hand-made torch.save zip checkpoints: tensors, views, shared storages, inert objects.</summary>
public sealed class PyTorchCheckpointTests
{
    private static object? LoadZip(PickleBuilder pickle, Dictionary<string, byte[]> storages, string stem = "archive", string? byteOrder = "little")
    {
        byte[] file = CheckpointFiles.Zip(pickle.ToArray(), storages, stem, byteOrder);
        using var ms = new MemoryStream(file);
        return PyTorchCheckpoint.Load(ms, "test.pt");
    }

    [Fact]
    public void ContiguousTensorRoundTrips()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Str("w").FloatTensor("0", 2, 3).SetItem().Stop();

        object? root = LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(CheckpointFiles.Range(6)) });

        TensorData w = Assert.IsType<TensorData>(Assert.IsType<PickleDict>(root)["w"]);
        Assert.Equal(new long[] { 2, 3 }, w.Shape);
        Assert.Equal(TensorDataType.Float32, w.DType);
        Assert.Equal(6, w.ElementCount);
        Assert.Equal(CheckpointFiles.Range(6), w.ToFloatArray());
    }

    [Fact]
    public void TransposedViewIsGatheredThroughItsStrides()
    {
        // storage = [[0,1,2],[3,4,5]] (2x3); t = storage.T: size (3,2), stride (1,3).
        var p = new PickleBuilder().Proto(2).Tensor("FloatStorage", "0", 6, 0, [3, 2], [1, 3]).Stop();

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(CheckpointFiles.Range(6)) }));

        Assert.Equal(new long[] { 3, 2 }, t.Shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.ToFloatArray());
    }

    [Fact]
    public void SlicedViewWithOffsetAndStepIsGathered()
    {
        // storage 0..23 as (4,6); view = x[1:3, 1::2] -> offset 7, size (2,3), stride (6,2).
        var p = new PickleBuilder().Proto(2).Tensor("FloatStorage", "7", 24, 7, [2, 3], [6, 2]).Stop();

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["7"] = CheckpointFiles.Floats(CheckpointFiles.Range(24)) }));

        Assert.Equal(new float[] { 7, 9, 11, 13, 15, 17 }, t.ToFloatArray());
    }

    [Fact]
    public void ThreeDimensionalPermutedViewIsGathered()
    {
        // x = arange(24).reshape(2,3,4); y = x.permute(2,0,1): size (4,2,3), stride (1,12,4).
        var p = new PickleBuilder().Proto(2).Tensor("FloatStorage", "0", 24, 0, [4, 2, 3], [1, 12, 4]).Stop();

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(CheckpointFiles.Range(24)) }));

        var expected = new List<float>();
        for (int k = 0; k < 4; k++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    expected.Add((i * 12) + (j * 4) + k);
                }
            }
        }

        Assert.Equal(expected, t.ToFloatArray());
    }

    [Fact]
    public void ExpandedViewWithZeroStrideRepeatsElements()
    {
        // storage [5, 6]; view size (3,2) stride (0,1).
        var p = new PickleBuilder().Proto(2).Tensor("FloatStorage", "0", 2, 0, [3, 2], [0, 1]).Stop();

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(5, 6) }));

        Assert.Equal(new float[] { 5, 6, 5, 6, 5, 6 }, t.ToFloatArray());
    }

    [Fact]
    public void ScalarAndEmptyTensorsLoad()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("scalar").Tensor("FloatStorage", "0", 3, 2, [], [])
            .Str("empty").Tensor("FloatStorage", "1", 0, 0, [0, 4], [4, 1])
            .SetItems().Stop();

        var root = Assert.IsType<PickleDict>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(1, 2, 3), ["1"] = [] }));

        var scalar = Assert.IsType<TensorData>(root["scalar"]);
        Assert.Empty(scalar.Shape);
        Assert.Equal(new float[] { 3 }, scalar.ToFloatArray());
        var empty = Assert.IsType<TensorData>(root["empty"]);
        Assert.Equal(new long[] { 0, 4 }, empty.Shape);
        Assert.Empty(empty.Data);
    }

    [Fact]
    public void TensorsSharingAStorageAreIndependentCopies()
    {
        // a = whole storage (4 floats); b = a[2:] (offset 2). The storage key is written once; the pid is memoized
        // and the second tensor refers to it through BINGET, as pickle does for a shared storage.
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("a").Global("torch._utils", "_rebuild_tensor_v2").BinPut(1)
            .Mark().StoragePid("FloatStorage", "0", 4).BinPut(2).Int(0).IntTuple(4).IntTuple(1).Bool(false)
            .Global("collections", "OrderedDict").BinPut(3).EmptyTuple().Reduce().Tuple().Reduce()
            .Str("b").BinGet(1)
            .Mark().BinGet(2).Int(2).IntTuple(2).IntTuple(1).Bool(false).BinGet(3).EmptyTuple().Reduce().Tuple().Reduce()
            .Str("c").Tensor("FloatStorage", "0", 4, 1, [2], [2])
            .SetItems().Stop();

        var root = Assert.IsType<PickleDict>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(10, 11, 12, 13) }));

        var a = Assert.IsType<TensorData>(root["a"]);
        var b = Assert.IsType<TensorData>(root["b"]);
        var c = Assert.IsType<TensorData>(root["c"]);
        Assert.Equal(new float[] { 10, 11, 12, 13 }, a.ToFloatArray());
        Assert.Equal(new float[] { 12, 13 }, b.ToFloatArray());
        Assert.Equal(new float[] { 11, 13 }, c.ToFloatArray());

        // Changing one tensor's bytes must not change another's.
        a.Data.AsSpan().Clear();
        Assert.Equal(new float[] { 12, 13 }, b.ToFloatArray());
        Assert.Equal(new float[] { 11, 13 }, c.ToFloatArray());
    }

    [Fact]
    public void TheSameTensorTwiceIsOneObject()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("x").FloatTensor("0", 2).BinPut(9)
            .Str("y").BinGet(9)
            .SetItems().Stop();

        var root = Assert.IsType<PickleDict>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(1, 2) }));

        Assert.Same(root["x"], root["y"]);
    }

    [Fact]
    public void ParameterUnwrapsToItsTensor()
    {
        var p = new PickleBuilder().Proto(2).Global("torch._utils", "_rebuild_parameter").Mark()
            .FloatTensor("0", 3).Bool(true).Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce().Stop();

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(1, 2, 3) }));

        Assert.Equal(new float[] { 1, 2, 3 }, t.ToFloatArray());
    }

    [Theory]
    [InlineData("DoubleStorage", TensorDataType.Float64, 8)]
    [InlineData("LongStorage", TensorDataType.Int64, 8)]
    [InlineData("IntStorage", TensorDataType.Int32, 4)]
    [InlineData("ShortStorage", TensorDataType.Int16, 2)]
    [InlineData("CharStorage", TensorDataType.Int8, 1)]
    [InlineData("ByteStorage", TensorDataType.UInt8, 1)]
    [InlineData("BoolStorage", TensorDataType.Bool, 1)]
    [InlineData("HalfStorage", TensorDataType.Float16, 2)]
    [InlineData("BFloat16Storage", TensorDataType.BFloat16, 2)]
    public void EveryStorageTypeMapsToItsDType(string storageType, TensorDataType dtype, int elementSize)
    {
        // Two elements, the second viewed through offset 1.
        var p = new PickleBuilder().Proto(2).Tensor(storageType, "0", 2, 1, [1], [1]).Stop();
        byte[] storage = new byte[2 * elementSize];
        byte[] one = dtype switch
        {
            TensorDataType.Float64 => BitConverter.GetBytes(1.0),
            TensorDataType.Float16 => BitConverter.GetBytes((ushort)0x3C00),
            TensorDataType.BFloat16 => BitConverter.GetBytes((ushort)0x3F80),
            TensorDataType.Int64 => BitConverter.GetBytes(1L),
            TensorDataType.Int32 => BitConverter.GetBytes(1),
            TensorDataType.Int16 => BitConverter.GetBytes((short)1),
            _ => [1],
        };
        one.CopyTo(storage, elementSize);

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = storage }));

        Assert.Equal(dtype, t.DType);
        Assert.Equal(elementSize, t.Data.Length);
        Assert.Equal(new float[] { 1 }, t.ToFloatArray());
    }

    [Fact]
    public void HalfAndBFloat16TensorsConvertToFloat()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("h").Tensor("HalfStorage", "0", 4, 0, [4], [1])
            .Str("b").Tensor("BFloat16Storage", "1", 4, 0, [4], [1])
            .SetItems().Stop();
        ushort[] half = [0x3C00, 0xC000, 0x3555, 0x7C00]; // 1, -2, 0.333251953125, +inf
        ushort[] bf16 = [0x3F80, 0xC049, 0x0000, 0xFF80]; // 1, -3.140625, 0, -inf

        var root = Assert.IsType<PickleDict>(LoadZip(p, new() { ["0"] = U16(half), ["1"] = U16(bf16) }));

        Assert.Equal(new[] { 1f, -2f, 0.333251953125f, float.PositiveInfinity }, Assert.IsType<TensorData>(root["h"]).ToFloatArray());
        Assert.Equal(new[] { 1f, -3.140625f, 0f, float.NegativeInfinity }, Assert.IsType<TensorData>(root["b"]).ToFloatArray());
    }

    [Fact]
    public void UntypedStorageReadsAsBytes()
    {
        var p = new PickleBuilder().Proto(2).Tensor("UntypedStorage", "0", 3, 0, [3], [1]).Stop();

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = [7, 8, 9] }));

        Assert.Equal(TensorDataType.UInt8, t.DType);
        Assert.Equal(new byte[] { 7, 8, 9 }, t.Data);
    }

    [Fact]
    public void BigEndianArchiveIsSwappedToLittleEndian()
    {
        var p = new PickleBuilder().Proto(2).FloatTensor("0", 2).Stop();
        var storage = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(storage, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(storage.AsSpan(4), -2f);

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = storage }, byteOrder: "big"));

        Assert.Equal(new[] { 1.5f, -2f }, t.ToFloatArray());
    }

    [Fact]
    public void ArchiveFolderIsFoundWhateverItIsNamed()
    {
        var p = new PickleBuilder().Proto(2).FloatTensor("0", 1).Stop();

        var t = Assert.IsType<TensorData>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(42) }, stem: "some_other_name_v2", byteOrder: null));

        Assert.Equal(new[] { 42f }, t.ToFloatArray());
    }

    [Fact]
    public void StateDictOrderAndMetadataArePreserved()
    {
        // An OrderedDict with a BUILD of {'_metadata': OrderedDict{'': {'version': 1}}}, as module.state_dict() pickles.
        var p = new PickleBuilder().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark()
            .Str("z.weight").FloatTensor("0", 1)
            .Str("a.weight").FloatTensor("1", 1)
            .Str("m.bias").FloatTensor("2", 1)
            .SetItems()
            .EmptyDict().Str("_metadata").Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Str(string.Empty).EmptyDict().Str("version").Int(1).SetItem().SetItem()
            .SetItem().Build().Stop();
        var storages = new Dictionary<string, byte[]>
        {
            ["0"] = CheckpointFiles.Floats(1),
            ["1"] = CheckpointFiles.Floats(2),
            ["2"] = CheckpointFiles.Floats(3),
        };

        object? root = LoadZip(p, storages);

        var dict = Assert.IsType<PickleDict>(root);
        Assert.True(dict.IsOrderedDict);
        Assert.Equal(new object[] { "z.weight", "a.weight", "m.bias" }, dict.Keys);
        var state = Assert.IsType<PickleDict>(dict.State);
        var metadata = Assert.IsType<PickleDict>(state["_metadata"]);
        Assert.Equal(1L, Assert.IsType<PickleDict>(metadata[string.Empty])["version"]);
        var sd = StateDictReader.ToStateDict(root, "test.pt");
        Assert.Equal(new[] { "z.weight", "a.weight", "m.bias" }, sd.Keys);
        Assert.Equal(new[] { 2f }, sd["a.weight"].ToFloatArray());
    }

    [Fact]
    public void ArgparseNamespaceBecomesAnInertObjectWithItsState()
    {
        // train.py stores args = argparse.Namespace(...): copyreg.__newobj__ -> NEWOBJ, then BUILD with __dict__.
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("args").Global("argparse", "Namespace").EmptyTuple().NewObj()
            .EmptyDict().Mark().Str("size").Int(256).Str("lr").Float(0.002).Str("path").Str("/data/ffhq")
            .Str("channels").EmptyDict().Int(4).Int(512).SetItem().SetItems().Build()
            .Str("iter").Int(800000)
            .SetItems().Stop();

        var root = Assert.IsType<PickleDict>(LoadZip(p, new()));

        var args = Assert.IsType<PickledObject>(root["args"]);
        Assert.Equal("argparse", args.Module);
        Assert.Equal("Namespace", args.Name);
        Assert.Equal("argparse.Namespace", args.FullName);
        Assert.Equal("NEWOBJ", args.Kind);
        Assert.Empty(args.Args);
        var state = Assert.IsType<PickleDict>(args.State);
        Assert.Equal(256L, state["size"]);
        Assert.Equal(0.002, state["lr"]);
        Assert.True(args.TryGetAttribute("path", out object? path));
        Assert.Equal("/data/ffhq", path);
        Assert.Equal(512L, Assert.IsType<PickleDict>(state["channels"])[4]);
        Assert.Equal(800000L, root["iter"]);
    }

    [Fact]
    public void UnknownCallsAndGlobalsStayInert()
    {
        // os.system('rm -rf /') must not run: it becomes data.
        var p = new PickleBuilder().Proto(2).Mark()
            .Global("os", "system").Str("rm -rf /").Tuple1().Reduce()
            .Global("torch", "float16")
            .Global("torch", "device").Str("cuda:0").Tuple1().Reduce()
            .Tuple().Stop();

        var t = Assert.IsType<PickleTuple>(LoadZip(p, new()));

        var call = Assert.IsType<PickledObject>(t[0]);
        Assert.Equal("os.system", call.FullName);
        Assert.Equal("REDUCE", call.Kind);
        Assert.Equal("rm -rf /", call.Args[0]);
        Assert.Equal(new PickleGlobal("torch", "float16"), t[1]);
        Assert.Equal("cuda:0", Assert.IsType<PickledObject>(t[2]).Args[0]);
    }

    [Fact]
    public void NestedContainersAndScalarsLoad()
    {
        var p = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("none").None()
            .Str("t").Bool(true)
            .Str("f").Bool(false)
            .Str("neg").Int(-5)
            .Str("big").Int(1L << 40)
            .Str("huge").Long1(BigInteger.Pow(2, 70))
            .Str("pi").Float(3.25)
            .Str("list").EmptyList().Mark().Int(1).Str("two").EmptyList().Int(3).Append().Appends()
            .Str("tuple").Int(1).Int(2).Int(3).Tuple3()
            .Str("nested").EmptyDict().Str("inner").EmptyDict().Int(7).Str("seven").SetItem().SetItem()
            .Str("bytes").ShortBinBytes([1, 2, 3])
            .Str("codecs").Global("_codecs", "encode").Str("\u00ff\u0001").Str("latin1").Tuple2().Reduce()
            .Str("set").Global("builtins", "set").EmptyList().Mark().Int(1).Int(2).Int(1).Appends().Tuple1().Reduce()
            .Int(9).Str("int key")
            .SetItems().Stop();

        var d = Assert.IsType<PickleDict>(LoadZip(p, new()));

        Assert.Null(d["none"]);
        Assert.Equal(true, d["t"]);
        Assert.Equal(false, d["f"]);
        Assert.Equal(-5L, d["neg"]);
        Assert.Equal(1L << 40, d["big"]);
        Assert.Equal(BigInteger.Pow(2, 70), d["huge"]);
        Assert.Equal(3.25, d["pi"]);
        var list = Assert.IsType<List<object?>>(d["list"]);
        Assert.Equal(3, list.Count);
        Assert.Equal(new object?[] { 3L }, Assert.IsType<List<object?>>(list[2]));
        Assert.Equal(new object?[] { 1L, 2L, 3L }, Assert.IsType<PickleTuple>(d["tuple"]));
        Assert.Equal("seven", Assert.IsType<PickleDict>(Assert.IsType<PickleDict>(d["nested"])["inner"])[7L]);
        Assert.Equal(new byte[] { 1, 2, 3 }, d["bytes"]);
        Assert.Equal(new byte[] { 0xFF, 0x01 }, d["codecs"]);
        var set = Assert.IsType<PickleSet>(d["set"]);
        Assert.Equal(2, set.Count);
        Assert.True(set.Contains(2L));
        Assert.Equal("int key", d[9]); // an int key, looked up with an int
        Assert.Equal("int key", d[9L]);
    }

    [Fact]
    public void Protocol4OpcodesLoad()
    {
        var p = new PickleBuilder().Proto(4).Frame(100)
            .EmptyDict().Memoize()
            .ShortStr("model").Memoize()
            .StackGlobal("collections", "OrderedDict").Memoize().EmptyTuple().Reduce().Memoize()
            .ShortStr("w").FloatTensor("0", 2).SetItem()
            .SetItem()
            .ShortStr("fs").Mark().Int(1).Int(2).FrozenSet().SetItem()
            .ShortStr("s").EmptySet().Mark().Int(3).Int(3).AddItems().SetItem()
            .ShortStr("again").BinGet(1).SetItem()
            .Raw(0x8c, 0) // SHORT_BINUNICODE ''
            .Raw(0x8e).Raw(BitConverter.GetBytes(2L)).Raw(5, 6) // BINBYTES8
            .SetItem()
            .Mark().SetItems() // an empty SETITEMS
            .Stop();

        var d = Assert.IsType<PickleDict>(LoadZip(p, new() { ["0"] = CheckpointFiles.Floats(1, 2) }));

        var model = Assert.IsType<PickleDict>(d["model"]);
        Assert.True(model.IsOrderedDict);
        Assert.Equal(new[] { 1f, 2f }, Assert.IsType<TensorData>(model["w"]).ToFloatArray());
        var fs = Assert.IsType<PickleSet>(d["fs"]);
        Assert.True(fs.IsFrozen);
        Assert.Equal(new object?[] { 1L, 2L }, fs);
        Assert.Equal(new object?[] { 3L }, Assert.IsType<PickleSet>(d["s"]));
        Assert.Equal("model", d["again"]);
        Assert.Equal(new byte[] { 5, 6 }, d[string.Empty]);
        Assert.Equal(5, d.Count);
    }

    [Fact]
    public void StackOpcodesPopDupAndPopMarkWork()
    {
        var p = new PickleBuilder().Proto(2)
            .Mark().Int(1).Int(2).Op('1') // POP_MARK drops 1, 2 and the mark
            .EmptyList().Op('2') // DUP
            .Int(5).Append() // appends to the top list (the same object)
            .Op('0') // POP the duplicate
            .Mark().Op('0') // POP with nothing above the MARK pops the MARK
            .Stop();

        Assert.Equal(new object?[] { 5L }, Assert.IsType<List<object?>>(LoadZip(p, new())));
    }

    private static byte[] U16(ushort[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
