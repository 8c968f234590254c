using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using T2F.Core.Checkpoints;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>
/// Checkpoints written by <see cref="PyTorchCheckpointWriter"/>: round trips through <see cref="PyTorchCheckpoint.Load(string)"/>
/// (values, order, bit-identical tensors), the zip layout and pickle torch.load(weights_only=True) needs, the golden
/// StyleGAN2 checkpoints, atomic replacement and the errors for values that cannot be written.
/// </summary>
public sealed class PyTorchCheckpointWriterTests
{
    private static readonly string[] AllowedGlobals =
    [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.LongStorage",
        "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage",
    ];

    // ------------------------------------------------------------------ round trips

    [Fact]
    public void StateDictOfEveryDTypeAndShapeRoundTripsBitwiseInOrder()
    {
        var stateDict = new List<KeyValuePair<string, TensorData>>();
        int seed = 1;
        foreach (TensorDataType dtype in Enum.GetValues<TensorDataType>())
        {
            stateDict.Add(new($"{dtype}.matrix", RandomTensor(dtype, [2, 3], seed++)));
            stateDict.Add(new($"{dtype}.scalar", RandomTensor(dtype, [], seed++)));
            stateDict.Add(new($"{dtype}.empty", RandomTensor(dtype, [0], seed++)));
        }

        stateDict.Add(new("conv.weight", RandomTensor(TensorDataType.Float32, [4, 3, 3, 3], seed++)));
        stateDict.Add(new("empty.3d", RandomTensor(TensorDataType.Float32, [3, 0, 2], seed++)));
        stateDict.Add(new("zeta.first.alphabetically.last.here", RandomTensor(TensorDataType.Float32, [5], seed)));

        using var folder = new TempFolder();
        string path = folder.File("state.pt");
        PyTorchCheckpointWriter.SaveStateDict(path, stateDict);

        var loaded = Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(path));
        Assert.True(loaded.IsOrderedDict);
        Assert.Equal(stateDict.Select(kv => (object)kv.Key), loaded.Keys);
        foreach (var (name, expected) in stateDict)
        {
            AssertSameTensor(expected, Assert.IsType<TensorData>(loaded[name]), name);
        }
    }

    [Fact]
    public void TrainPyLayoutRoundTrips()
    {
        Dictionary<string, TensorData> g = SmallStateDict(10);
        Dictionary<string, TensorData> d = SmallStateDict(20);
        Dictionary<string, TensorData> gEma = SmallStateDict(30);
        var args = new Dictionary<string, object?>
        {
            ["size"] = 256,
            ["r1"] = 10.0,
            ["path_regularize"] = 2f,
            ["augment"] = false,
            ["wandb"] = true,
            ["ckpt"] = null,
            ["name"] = "ffhq-256 ✓",
            ["channels"] = new List<object?> { 512L, 256L, new object?[] { "nested", 1.5 } },
            ["betas"] = (0.0, 0.99),
            ["iter"] = 800_000L,
        };
        var root = new Dictionary<string, object?>
        {
            ["g"] = g,
            ["d"] = d,
            ["g_ema"] = gEma,
            ["args"] = args,
            ["ada_aug_p"] = 0.0,
        };

        using var folder = new TempFolder();
        string path = folder.File("000100.pt");
        PyTorchCheckpointWriter.Save(path, root);

        var loaded = Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(path));
        Assert.False(loaded.IsOrderedDict); // train.py saves a plain dict
        Assert.Equal(["g", "d", "g_ema", "args", "ada_aug_p"], loaded.Keys.Cast<string>());
        foreach (var (key, expected) in new[] { ("g", g), ("d", d), ("g_ema", gEma) })
        {
            var sd = Assert.IsType<PickleDict>(loaded[key]);
            Assert.True(sd.IsOrderedDict, $"{key} should be an OrderedDict, as module.state_dict() returns");
            Assert.Equal(expected.Keys, sd.Keys.Cast<string>());
            foreach (var (name, tensor) in expected)
            {
                AssertSameTensor(tensor, Assert.IsType<TensorData>(sd[name]), $"{key}.{name}");
            }
        }

        var loadedArgs = Assert.IsType<PickleDict>(loaded["args"]);
        Assert.False(loadedArgs.IsOrderedDict);
        Assert.Equal(args.Keys, loadedArgs.Keys.Cast<string>());
        Assert.Equal(256L, loadedArgs["size"]);
        Assert.Equal(10.0, loadedArgs["r1"]);
        Assert.Equal(2.0, loadedArgs["path_regularize"]);
        Assert.Equal(false, loadedArgs["augment"]);
        Assert.Equal(true, loadedArgs["wandb"]);
        Assert.Null(loadedArgs["ckpt"]);
        Assert.Equal("ffhq-256 ✓", loadedArgs["name"]);
        Assert.Equal("[512,256,[\"nested\",f3ff8000000000000]]", Canon(loadedArgs["channels"]));
        Assert.Equal("(f0000000000000000,f3fefae147ae147ae)", Canon(loadedArgs["betas"]));
        Assert.Equal(800_000L, loadedArgs["iter"]);
        Assert.Equal(0.0, loaded["ada_aug_p"]);
    }

    [Fact]
    public void PickleTreesRoundTripExactly()
    {
        // Built from the types the reader returns, so the loaded tree must render exactly the same.
        var inner = new PickleDict(isOrderedDict: true) { { "w", RandomTensor(TensorDataType.Float16, [3], 5) } };
        var root = new PickleDict
        {
            { "none", null },
            { "bools", new PickleTuple(true, false) },
            { "ints", new List<object?> { 0L, 1L, 255L, 256L, 65535L, 65536L, -1L, -256L, (long)int.MinValue, (long)int.MaxValue, (long)int.MaxValue + 1, long.MinValue, long.MaxValue } },
            { "bigints", new List<object?> { BigInteger.Pow(2, 100), -BigInteger.Pow(3, 80) } },
            { "floats", new List<object?> { 0.0, -0.0, 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 1e300 } },
            { "strings", new PickleTuple(string.Empty, "ascii", "ünï😀", "quote\"back\\slash\nnewline") },
            { "tuples", new PickleTuple(PickleTuple.Empty, new PickleTuple(1L), new PickleTuple(1L, 2L), new PickleTuple(1L, 2L, 3L), new PickleTuple(1L, 2L, 3L, 4L)) },
            { "lists", new List<object?> { new List<object?>(), new List<object?> { "one" } } },
            { "empty_dict", new PickleDict() },
            { "empty_ordered", new PickleDict(isOrderedDict: true) },
            { "state_dict", inner },
            { 7L, "int key" },
            { new PickleTuple("tuple", 2L), "tuple key" },
            { 2.5, "float key" },
        };

        object? loaded = RoundTrip(root);

        Assert.Equal(Canon(root), Canon(loaded));
    }

    [Fact]
    public void ClrValuesMapToPythonTypes()
    {
        var tensor = RandomTensor(TensorDataType.Int64, [2], 3);
        var root = new Dictionary<string, object?>
        {
            ["int"] = 5,
            ["short"] = (short)-7,
            ["byte"] = (byte)200,
            ["uint"] = uint.MaxValue,
            ["ulong"] = ulong.MaxValue,
            ["float"] = 0.1f,
            ["half"] = (Half)0.5,
            ["value_tuple"] = (1, "a", 2.0),
            ["int_array"] = new[] { 1, 2, 3 },
            ["object_array"] = new object?[] { null, "x" },
            ["pairs"] = new List<KeyValuePair<string, TensorData>> { new("t", tensor) },
            ["empty_state_dict"] = new Dictionary<string, TensorData>(),
            ["empty_dict"] = new Dictionary<string, object?>(),
            ["all_tensors"] = new Dictionary<string, object?> { ["t"] = tensor },
            ["mixed"] = new SortedDictionary<string, object?> { ["b"] = 1, ["a"] = tensor },
            ["tuple_keys"] = new Dictionary<(int, string), int> { [(1, "x")] = 2 },
            ["hashtable"] = new System.Collections.Hashtable { ["k"] = 1 },
        };

        var loaded = Assert.IsType<PickleDict>(RoundTrip(root));

        Assert.Equal(5L, loaded["int"]);
        Assert.Equal(-7L, loaded["short"]);
        Assert.Equal(200L, loaded["byte"]);
        Assert.Equal((long)uint.MaxValue, loaded["uint"]);
        Assert.Equal(new BigInteger(ulong.MaxValue), loaded["ulong"]);
        Assert.Equal((double)0.1f, loaded["float"]);
        Assert.Equal(0.5, loaded["half"]);
        Assert.Equal("(1,\"a\",f4000000000000000)", Canon(loaded["value_tuple"]));
        Assert.Equal("[1,2,3]", Canon(loaded["int_array"]));
        Assert.Equal("[None,\"x\"]", Canon(loaded["object_array"]));
        Assert.True(Assert.IsType<PickleDict>(loaded["pairs"]).IsOrderedDict);
        Assert.True(Assert.IsType<PickleDict>(loaded["empty_state_dict"]).IsOrderedDict);
        Assert.False(Assert.IsType<PickleDict>(loaded["empty_dict"]).IsOrderedDict);
        Assert.True(Assert.IsType<PickleDict>(loaded["all_tensors"]).IsOrderedDict);
        var mixed = Assert.IsType<PickleDict>(loaded["mixed"]);
        Assert.False(mixed.IsOrderedDict);
        Assert.Equal(["a", "b"], mixed.Keys.Cast<string>());
        Assert.Equal("{(1,\"x\"):2}", Canon(loaded["tuple_keys"]));
        Assert.Equal("{\"k\":1}", Canon(loaded["hashtable"]));
        AssertSameTensor(tensor, Assert.IsType<TensorData>(Assert.IsType<PickleDict>(loaded["pairs"])["t"]), "pairs.t");
    }

    [Fact]
    public void SameTensorTwiceIsOneStorage()
    {
        var shared = RandomTensor(TensorDataType.Float32, [4, 4], 9);
        var root = new PickleDict(isOrderedDict: true) { { "a", shared }, { "b", RandomTensor(TensorDataType.Float32, [2], 10) }, { "c", shared } };
        using var folder = new TempFolder();
        string path = folder.File("tied.pt");
        PyTorchCheckpointWriter.Save(path, root);

        using (ZipArchive zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(2, zip.Entries.Count(e => e.FullName.StartsWith("tied/data/", StringComparison.Ordinal)));
        }

        var loaded = Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(path));
        AssertSameTensor(shared, Assert.IsType<TensorData>(loaded["a"]), "a");
        AssertSameTensor(shared, Assert.IsType<TensorData>(loaded["c"]), "c");
    }

    [Fact]
    public void ThousandsOfEntriesUseBatchesAndLongMemoIndexes()
    {
        var stateDict = Enumerable.Range(0, 2500)
            .Select(i => new KeyValuePair<string, TensorData>($"layer{i}.bias", TensorData.FromFloats([i, -i], [2])))
            .ToList();
        var list = Enumerable.Range(0, 2100).Select(i => (object?)(long)i).ToList();
        // The same string twice after more than 256 memo entries: the second is a LONG_BINGET.
        var tail = new PickleTuple("late string", "late string");
        byte[] bytes = SaveToBytes(new PickleDict { { "sd", ToPickleDict(stateDict) }, { "list", list }, { "tail", tail } });

        var ops = PickleOpcodeScanner.Scan(ReadEntry(bytes, "archive/data.pkl")).Select(o => o.Name).ToList();
        Assert.Contains("LONG_BINPUT", ops);
        Assert.Contains("LONG_BINGET", ops);
        Assert.Equal(3 + 1, ops.Count(o => o == "SETITEMS")); // 2500 = 1000 + 1000 + 500, plus the root's three items
        Assert.Equal(3, ops.Count(o => o == "APPENDS")); // 2100 = 1000 + 1000 + 100

        var loaded = Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(new MemoryStream(bytes), "memory"));
        var sd = Assert.IsType<PickleDict>(loaded["sd"]);
        Assert.Equal(stateDict.Select(kv => (object)kv.Key), sd.Keys);
        Assert.Equal(new float[] { 2499, -2499 }, Assert.IsType<TensorData>(sd["layer2499.bias"]).ToFloatArray());
        Assert.Equal(list, Assert.IsType<List<object?>>(loaded["list"]));
        Assert.Equal(Canon(tail), Canon(loaded["tail"]));
    }

    [Fact]
    public void StreamOverloadWritesTheArchiveFolderTorchUsesForBuffers()
    {
        using var stream = new MemoryStream();
        PyTorchCheckpointWriter.Save(stream, new PickleDict { { "x", 1L } });

        stream.Position = 0;
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true))
        {
            Assert.Equal(["archive/data.pkl", "archive/byteorder", "archive/version"], zip.Entries.Select(e => e.FullName));
        }

        stream.Position = 0;
        Assert.Equal(1L, Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(stream, "memory"))["x"]);
    }

    // ------------------------------------------------------------------ golden checkpoints

    [Fact]
    public void GoldenConvertedCheckpointRoundTripsBitwise()
    {
        string golden = RepoPaths.GoldenFolder("T2F_STYLEGAN2_GOLDEN", "../shared/golden/stylegan2-small");
        var original = Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(Path.Combine(golden, "checkpoint_converted.pt")));
        var gEma = Assert.IsType<PickleDict>(original["g_ema"]);
        var latentAvg = Assert.IsType<TensorData>(original["latent_avg"]);
        Assert.True(gEma.Count > 10);

        using var folder = new TempFolder();
        string path = folder.File("stylegan2_converted.pt");
        PyTorchCheckpointWriter.Save(path, new PickleDict { { "g_ema", gEma }, { "latent_avg", latentAvg } });

        var reloaded = Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(path));
        Assert.Equal(["g_ema", "latent_avg"], reloaded.Keys.Cast<string>());
        var reloadedGEma = Assert.IsType<PickleDict>(reloaded["g_ema"]);
        Assert.True(reloadedGEma.IsOrderedDict);
        Assert.Equal(gEma.Keys, reloadedGEma.Keys);
        foreach (var (name, value) in gEma)
        {
            AssertSameTensor(Assert.IsType<TensorData>(value), Assert.IsType<TensorData>(reloadedGEma[name]), $"g_ema.{name}");
        }

        AssertSameTensor(latentAvg, Assert.IsType<TensorData>(reloaded["latent_avg"]), "latent_avg");

        // The state_dict's _metadata (module versions) survives, as torch.save keeps it.
        Assert.NotNull(gEma.State);
        Assert.Equal(Canon(gEma.State), Canon(reloadedGEma.State));
    }

    [Fact]
    public void GoldenTrainCheckpointRoundTripsExactly()
    {
        string golden = RepoPaths.GoldenFolder("T2F_STYLEGAN2_GOLDEN", "../shared/golden/stylegan2-small");
        object? original = PyTorchCheckpoint.Load(Path.Combine(golden, "checkpoint.pt"));

        using var folder = new TempFolder();
        string path = folder.File("checkpoint.pt");
        PyTorchCheckpointWriter.Save(path, original);

        Assert.Equal(Canon(original), Canon(PyTorchCheckpoint.Load(path)));
    }

    // ------------------------------------------------------------------ layout

    [Fact]
    public void ZipHoldsExactlyTheEntriesTorchSaveWrites()
    {
        var stateDict = Enumerable.Range(0, 12).Select(i => new KeyValuePair<string, TensorData>($"t{i}", TensorData.FromFloats([i], [1]))).ToList();
        using var folder = new TempFolder();
        string path = folder.File("my model.v2.pt");
        PyTorchCheckpointWriter.SaveStateDict(path, stateDict);

        const string stem = "my_model.v2";
        Assert.Equal(stem, PyTorchCheckpointWriter.ArchiveNameFor(path));
        string[] dataKeys = Enumerable.Range(0, 12).Select(i => i.ToString(CultureInfo.InvariantCulture)).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        string[] expected =
        [
            stem + "/data.pkl",
            stem + "/byteorder",
            .. dataKeys.Select(k => stem + "/data/" + k),
            stem + "/version",
        ];

        using ZipArchive zip = ZipFile.OpenRead(path);
        Assert.Equal(expected, zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength)); // stored, not compressed
        Assert.Equal("3\n", Encoding.ASCII.GetString(ReadEntry(zip, stem + "/version")));
        Assert.Equal("little", Encoding.ASCII.GetString(ReadEntry(zip, stem + "/byteorder")));
        Assert.Equal(CheckpointFiles.Floats(5), ReadEntry(zip, stem + "/data/5"));
    }

    [Theory]
    [InlineData("weights.pth", "weights")]
    [InlineData("550000.pt", "550000")]
    [InlineData("ré sumé (1).pt", "r__sum___1_")]
    [InlineData(".pt", "archive")]
    [InlineData("no_extension", "no_extension")]
    public void ArchiveNameIsTheSanitizedFileStem(string fileName, string expected)
    {
        Assert.Equal(expected, PyTorchCheckpointWriter.ArchiveNameFor(Path.Combine("/some/folder", fileName)));
    }

    [Fact]
    public void EveryRecordIsStoredAndAlignedTo64Bytes()
    {
        var root = new PickleDict
        {
            { "a", RandomTensor(TensorDataType.Float32, [3, 5], 1) },
            { "b", RandomTensor(TensorDataType.Int8, [7], 2) },
            { "c", RandomTensor(TensorDataType.Float64, [], 3) },
        };
        byte[] bytes = SaveToBytes(root);

        int records = 0;
        int offset = 0;
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) == 0x04034b50)
        {
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 8));
            int size = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 18)));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 26));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 28));
            int dataStart = offset + 30 + nameLength + extraLength;
            string name = Encoding.ASCII.GetString(bytes, offset + 30, nameLength);
            Assert.True(method == 0, $"{name} is compressed (method {method})");
            Assert.True(dataStart % 64 == 0, $"{name}'s data starts at {dataStart}, not a multiple of 64");
            offset = dataStart + size;
            records++;
        }

        Assert.Equal(6, records); // data.pkl, byteorder, 3 storages, version
    }

    [Fact]
    public void PickleUsesOnlyWeightsOnlyGlobalsAndOpcodes()
    {
        var root = new PickleDict
        {
            { "state_dict", ToPickleDict(Enum.GetValues<TensorDataType>().Select((t, i) => new KeyValuePair<string, TensorData>(t.ToString(), RandomTensor(t, [2, 2], i)))) },
            { "args", new PickleDict { { "size", 256L }, { "big", BigInteger.Pow(2, 70) }, { "lr", 0.002 }, { "flags", new PickleTuple(true, false, null) }, { "list", new List<object?> { "a" } } } },
        };
        byte[] pickle = ReadEntry(SaveToBytes(root), "archive/data.pkl");

        var ops = PickleOpcodeScanner.Scan(pickle);
        Assert.Equal(("PROTO", (object?)2L), ops[0]);
        Assert.All(ops, op => Assert.Contains(op.Name, PickleOpcodeScanner.WeightsOnlyOpcodes));
        var globals = ops.Where(o => o.Name == "GLOBAL").Select(o => (string)o.Argument!).ToHashSet();
        Assert.Subset(AllowedGlobals.ToHashSet(), globals);
        Assert.Superset(
            new HashSet<string> { "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "torch.BoolStorage", "torch.BFloat16Storage" },
            globals);
        Assert.Equal(Enum.GetValues<TensorDataType>().Length, ops.Count(o => o.Name == "BINPERSID"));
    }

    [Fact]
    public void TensorIsRebuiltLikeTorchSaveWritesIt()
    {
        var tensor = RandomTensor(TensorDataType.Float32, [2, 0, 3], 4);
        byte[] pickle = ReadEntry(SaveToBytes(new PickleDict(isOrderedDict: true) { { "w", tensor } }), "archive/data.pkl");

        // OrderedDict() ; 'w' ; _rebuild_tensor_v2((('storage', torch.FloatStorage, '0', 'cpu', 0) persistent), 0, (2, 0, 3), (3, 3, 1), False, OrderedDict())
        string rendered = string.Join(" ", PickleOpcodeScanner.Scan(pickle)
            .Where(o => o.Name is not ("BINPUT" or "LONG_BINPUT"))
            .Select(o => o.Argument is null ? o.Name : $"{o.Name}:{Convert.ToString(o.Argument, CultureInfo.InvariantCulture)}"));
        Assert.Equal(
            "PROTO:2 GLOBAL:collections.OrderedDict EMPTY_TUPLE REDUCE BINUNICODE:w " +
            "GLOBAL:torch._utils._rebuild_tensor_v2 MARK MARK BINUNICODE:storage GLOBAL:torch.FloatStorage BINUNICODE:0 BINUNICODE:cpu BININT1:0 TUPLE BINPERSID " +
            "BININT1:0 BININT1:2 BININT1:0 BININT1:3 TUPLE3 BININT1:3 BININT1:3 BININT1:1 TUPLE3 NEWFALSE BINGET:0 EMPTY_TUPLE REDUCE TUPLE REDUCE SETITEM STOP",
            rendered);
    }

    // ------------------------------------------------------------------ atomic writes and errors

    [Fact]
    public void SuccessfulSaveLeavesOnlyTheTargetFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.pt");
        PyTorchCheckpointWriter.SaveStateDict(path, SmallStateDict(1));
        PyTorchCheckpointWriter.SaveStateDict(path, SmallStateDict(2)); // replaces it

        Assert.Equal(["model.pt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
        var loaded = Assert.IsType<PickleDict>(PyTorchCheckpoint.Load(path));
        AssertSameTensor(SmallStateDict(2)["conv.weight"], Assert.IsType<TensorData>(loaded["conv.weight"]), "conv.weight");
    }

    [Fact]
    public void UnsupportedValueThrowsBeforeTheTargetIsTouched()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.pt");
        PyTorchCheckpointWriter.SaveStateDict(path, SmallStateDict(1));
        byte[] before = File.ReadAllBytes(path);

        var root = new Dictionary<string, object?>
        {
            ["g_ema"] = new Dictionary<string, object?> { ["w"] = SmallStateDict(2)["conv.weight"], ["x"] = new DateTime(2024, 1, 1) },
        };
        var ex = Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.Save(path, root));

        Assert.Contains("root[\"g_ema\"][\"x\"]: System.DateTime is not supported", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.pt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void FailedReplaceRemovesTheTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("taken.pt");
        Directory.CreateDirectory(path); // a folder where the file should go: the final move fails

        Assert.ThrowsAny<Exception>(() => PyTorchCheckpointWriter.SaveStateDict(path, SmallStateDict(1)));

        Assert.Equal(["taken.pt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
        Assert.True(Directory.Exists(path));
    }

    public static TheoryData<string, object?, string> UnsupportedValues() => new()
    {
        { "bytes", new PickleDict { { "b", new byte[] { 1, 2 } } }, "root[\"b\"]: bytes (System.Byte[]) are not supported" },
        { "set", new List<object?> { 1L, new PickleSet() }, "root[1]: a Python set is not supported" },
        { "object", new PickleDict { { "args", new PickledObject(new PickleGlobal("argparse", "Namespace"), PickleTuple.Empty, "REDUCE") } }, "root[\"args\"]: an object of class argparse.Namespace is not supported" },
        { "global", new PickleTuple(new PickleGlobal("os", "system")), "root[0]: the Python global os.system is not supported" },
        { "decimal", new Dictionary<string, object?> { ["lr"] = 0.1m }, "root[\"lr\"]: System.Decimal is not supported" },
        { "null key", new List<KeyValuePair<string?, object?>> { new(null, 1L) }, "root: a null key is not supported" },
        { "bad key", new Dictionary<object, object?> { [new object()] = 1 }, "root: a dictionary key of type System.Object is not supported" },
        { "equal keys", new Dictionary<object, object?> { [1L] = "a", [true] = "b" }, "root: the key True appears twice" },
        { "huge int", new List<object?> { BigInteger.Pow(2, 3000) }, "root[0]: the integer" },
        { "bad string", new List<object?> { "\ud800" }, "root[0]: the string" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedValues))]
    public void UnsupportedValuesAreRefusedWithTheirPlace(string what, object? root, string expectedMessage)
    {
        _ = what;
        using var stream = new MemoryStream();
        var ex = Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.Save(stream, root));
        Assert.Contains(expectedMessage, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length); // nothing written
    }

    [Fact]
    public void CyclesAreRefused()
    {
        var list = new List<object?> { 1L };
        list.Add(new PickleDict { { "back", list } });

        var ex = Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.Save(new MemoryStream(), list));
        Assert.Contains("root[1][\"back\"]: the value contains itself", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StateDictWithNullOrRepeatedEntriesIsRefused()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.pt");
        var tensor = TensorData.FromFloats([1], [1]);

        Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.SaveStateDict(path, [new("a", tensor), new("a", tensor)]));
        Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.SaveStateDict(path, [new("a", null!)]));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    // ------------------------------------------------------------------ helpers

    private static object? RoundTrip(object? root)
    {
        byte[] bytes = SaveToBytes(root);
        return PyTorchCheckpoint.Load(new MemoryStream(bytes), "memory");
    }

    private static byte[] SaveToBytes(object? root)
    {
        using var stream = new MemoryStream();
        PyTorchCheckpointWriter.Save(stream, root);
        return stream.ToArray();
    }

    private static byte[] ReadEntry(byte[] zipBytes, string name)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        return ReadEntry(zip, name);
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"no entry {name}");
        using Stream s = entry.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static PickleDict ToPickleDict(IEnumerable<KeyValuePair<string, TensorData>> entries)
    {
        var dict = new PickleDict(isOrderedDict: true);
        foreach (var (k, v) in entries)
        {
            dict.Add(k, v);
        }

        return dict;
    }

    private static Dictionary<string, TensorData> SmallStateDict(int seed) => new()
    {
        ["conv.weight"] = RandomTensor(TensorDataType.Float32, [4, 2, 3, 3], seed),
        ["conv.bias"] = RandomTensor(TensorDataType.Float32, [4], seed + 1000),
        ["noise_strength"] = RandomTensor(TensorDataType.Float32, [], seed + 2000),
        ["steps"] = RandomTensor(TensorDataType.Int64, [], seed + 3000),
    };

    private static TensorData RandomTensor(TensorDataType dtype, long[] shape, int seed)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[count * dtype.ElementSize()];
        new Random(seed).NextBytes(bytes);
        if (dtype == TensorDataType.Bool)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }

        return new TensorData(dtype, shape, bytes);
    }

    private static void AssertSameTensor(TensorData expected, TensorData actual, string name)
    {
        Assert.True(expected.DType == actual.DType, $"{name}: dtype {actual.DType}, expected {expected.DType}");
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{name}: shape {actual}, expected {expected}");
        Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), $"{name}: the bytes differ");
    }

    /// <summary>An exact rendering of a reader-style tree: floats by their bits, tensors by dtype, shape and a hash of their bytes.</summary>
    private static string Canon(object? o) => o switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        double d => "f" + BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture),
        string s => "\"" + s + "\"",
        TensorData t => $"T({t}:{Convert.ToHexString(SHA256.HashData(t.Data))})",
        List<object?> l => "[" + string.Join(",", l.Select(Canon)) + "]",
        PickleTuple t => "(" + string.Join(",", t.Select(Canon)) + ")",
        PickleDict d => (d.IsOrderedDict ? "OD" : string.Empty) + "{" + string.Join(",", d.Select(kv => Canon(kv.Key) + ":" + Canon(kv.Value))) + "}"
                        + (d.State is null ? string.Empty : "+state" + Canon(d.State)),
        _ => "?" + o.GetType().FullName,
    };
}
