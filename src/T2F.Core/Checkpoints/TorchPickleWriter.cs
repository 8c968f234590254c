using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace T2F.Core.Checkpoints;

/// <summary>
/// Pickles an object tree the way <c>torch.save</c> does (protocol 2), using only the opcodes and globals that
/// <c>torch.load(weights_only=True)</c> accepts. Tensors become
/// <c>torch._utils._rebuild_tensor_v2(persistent_load(('storage', torch.XStorage, key, 'cpu', numel)), 0, size, stride, False, OrderedDict())</c>;
/// their bytes are collected as storages, to be written beside the pickle.
/// </summary>
internal sealed class TorchPickleWriter
{
    /// <summary>How deeply containers may nest before the tree is refused (Python's own recursion limit is about 1000).</summary>
    public const int MaxDepth = 1000;

    /// <summary>Python's pickler writes dict items and list items in batches of this many.</summary>
    private const int BatchSize = 1000;

    private const string Supported =
        "supported values are TensorData, string, integers, floating-point numbers, bool, null, dictionaries (PickleDict, IDictionary, IEnumerable<KeyValuePair<K, V>>), " +
        "lists and arrays (IList), and tuples (PickleTuple, ValueTuple)";

    private const string WeightsOnly = "torch.load(weights_only=True) cannot read it";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly MemoryStream pickle = new();
    private readonly Dictionary<string, int> globalMemo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> stringMemo = new(StringComparer.Ordinal);
    private readonly Dictionary<TensorData, int> tensorMemo = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> open = new(ReferenceEqualityComparer.Instance);
    private readonly List<TensorData> storages = new();
    private int nextMemo;
    private int depth;

    private TorchPickleWriter()
    {
    }

    /// <summary>
    /// Pickles <paramref name="root"/>. Storage <c>i</c> (key <c>i.ToString()</c>) holds the bytes of
    /// <c>Storages[i]</c>. Throws before returning anything when the tree holds a value that cannot be written.
    /// </summary>
    /// <exception cref="ArgumentException">The tree holds an unsupported value, an invalid or repeated key, or a cycle;
    /// the message names its place, e.g. <c>root["g_ema"]["x"]</c>.</exception>
    public static (byte[] Pickle, IReadOnlyList<TensorData> Storages) Write(object? root)
    {
        var writer = new TorchPickleWriter();
        writer.Raw(0x80, 2); // PROTO 2
        writer.WriteValue(root, "root");
        writer.Raw((byte)'.'); // STOP
        return (writer.pickle.ToArray(), writer.storages);
    }

    /// <summary>
    /// The PyTorch storage class of <paramref name="dtype"/>, e.g. <c>FloatStorage</c> (all live in module <c>torch</c>).
    /// </summary>
    public static string StorageClassName(TensorDataType dtype) => dtype switch
    {
        TensorDataType.Float32 => "FloatStorage",
        TensorDataType.Float64 => "DoubleStorage",
        TensorDataType.Float16 => "HalfStorage",
        TensorDataType.BFloat16 => "BFloat16Storage",
        TensorDataType.Int64 => "LongStorage",
        TensorDataType.Int32 => "IntStorage",
        TensorDataType.Int16 => "ShortStorage",
        TensorDataType.Int8 => "CharStorage",
        TensorDataType.UInt8 => "ByteStorage",
        TensorDataType.Bool => "BoolStorage",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor data type."),
    };

    /// <summary>
    /// The strides of a contiguous tensor of <paramref name="shape"/>, as PyTorch computes them (a zero-sized
    /// dimension counts as 1, so <c>[3, 0]</c> has strides <c>[1, 1]</c>).
    /// </summary>
    public static long[] ContiguousStrides(IReadOnlyList<long> shape)
    {
        var stride = new long[shape.Count];
        long s = 1;
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            stride[d] = s;
            s = unchecked(s * Math.Max(shape[d], 1));
        }

        return stride;
    }

    // ------------------------------------------------------------------ values

    private void WriteValue(object? value, string path)
    {
        switch (value)
        {
            case null:
                Raw((byte)'N');
                return;
            case bool b:
                Raw(b ? (byte)0x88 : (byte)0x89);
                return;
            case string s:
                WriteString(s, path);
                return;
            case long or int or short or sbyte or byte or ushort or uint:
                WriteInt(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return;
            case ulong u:
                WriteBigInteger(u, path);
                return;
            case BigInteger big:
                WriteBigInteger(big, path);
                return;
            case double d:
                WriteFloat(d);
                return;
            case float f:
                WriteFloat(f);
                return;
            case Half h:
                WriteFloat((double)h);
                return;
            case TensorData tensor:
                WriteTensor(tensor);
                return;
            case byte[]:
                throw Unsupported(path,
                    $"bytes (System.Byte[]) are not supported: protocol 2 writes them through _codecs.encode, which {WeightsOnly} in every PyTorch version; store them as a UInt8 TensorData instead");
            case PickleSet:
                throw Unsupported(path, $"a Python set is not supported: protocol 2 writes it through builtins.set, which {WeightsOnly} in every PyTorch version; store it as a list");
            case PickledObject obj:
                throw Unsupported(path,
                    $"an object of class {obj.FullName} is not supported: {WeightsOnly}; store its attributes (PickledObject.State) as a dictionary instead");
            case PickleGlobal global:
                throw Unsupported(path, $"the Python global {global.FullName} is not supported: {WeightsOnly}");
            case PickleTuple tuple:
                Enter(tuple, path);
                WriteTuple(tuple, path);
                Leave(tuple);
                return;
            case ITuple tuple:
                Enter(tuple, path);
                WriteTuple(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToList(), path);
                Leave(tuple);
                return;
            case PickleDict dict:
                Enter(dict, path);
                WriteDictionary(dict, dict.IsOrderedDict, dict.State, path, keysAreUnique: true);
                Leave(dict);
                return;
        }

        if (TryGetEntries(value, out List<KeyValuePair<object?, object?>>? entries, out bool tensorValued))
        {
            Enter(value, path);
            bool isStateDict = tensorValued || (entries.Count > 0 && entries.All(e => e.Value is TensorData));
            WriteDictionary(entries, isStateDict, state: null, path, keysAreUnique: false);
            Leave(value);
            return;
        }

        if (value is IList list)
        {
            Enter(value, path);
            WriteList(list, path);
            Leave(value);
            return;
        }

        throw Unsupported(path, $"{value.GetType().FullName} is not supported; {Supported}");
    }

    private void WriteInt(long value)
    {
        if (value is >= 0 and <= 0xFF)
        {
            Raw((byte)'K', (byte)value); // BININT1
        }
        else if (value is >= 0 and <= 0xFFFF)
        {
            Span<byte> b = stackalloc byte[3];
            b[0] = (byte)'M'; // BININT2
            BinaryPrimitives.WriteUInt16LittleEndian(b.Slice(1), (ushort)value);
            Raw(b);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b = stackalloc byte[5];
            b[0] = (byte)'J'; // BININT
            BinaryPrimitives.WriteInt32LittleEndian(b.Slice(1), (int)value);
            Raw(b);
        }
        else
        {
            WriteLong1(value);
        }
    }

    private void WriteBigInteger(BigInteger value, string path)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            WriteInt((long)value);
            return;
        }

        if (value.GetByteCount(isUnsigned: false) > 255)
        {
            throw Unsupported(path, $"the integer {value} is too large: protocol 2 writes integers of more than 255 bytes with LONG4, which {WeightsOnly}");
        }

        WriteLong1(value);
    }

    private void WriteLong1(BigInteger value)
    {
        byte[] bytes = value.ToByteArray(isUnsigned: false, isBigEndian: false); // two's complement, as pickle's encode_long
        Raw(0x8a, (byte)bytes.Length); // LONG1
        Raw(bytes);
    }

    private void WriteFloat(double value)
    {
        Span<byte> b = stackalloc byte[9];
        b[0] = (byte)'G'; // BINFLOAT, big-endian
        BinaryPrimitives.WriteDoubleBigEndian(b.Slice(1), value);
        Raw(b);
    }

    private void WriteString(string value, string path)
    {
        if (stringMemo.TryGetValue(value, out int index))
        {
            Get(index);
            return;
        }

        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"{path}: the string \"{Shorten(value)}\" is not valid Unicode (it has an unpaired surrogate): {ex.Message}", "root", ex);
        }

        Span<byte> b = stackalloc byte[5];
        b[0] = (byte)'X'; // BINUNICODE
        BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(1), (uint)utf8.Length);
        Raw(b);
        Raw(utf8);
        stringMemo.Add(value, Put());
    }

    private void WriteGlobal(string module, string name)
    {
        string key = module + "\n" + name + "\n";
        if (globalMemo.TryGetValue(key, out int index))
        {
            Get(index);
            return;
        }

        Raw((byte)'c'); // GLOBAL
        Raw(Encoding.ASCII.GetBytes(key));
        globalMemo.Add(key, Put());
    }

    private void WriteTensor(TensorData tensor)
    {
        // The same TensorData twice is the same tensor twice, as Python's pickler memoizes it.
        if (tensorMemo.TryGetValue(tensor, out int index))
        {
            Get(index);
            return;
        }

        string key = storages.Count.ToString(CultureInfo.InvariantCulture);
        storages.Add(tensor);

        WriteGlobal("torch._utils", "_rebuild_tensor_v2");
        Raw((byte)'('); // MARK: the arguments
        Raw((byte)'('); // MARK: the persistent id ('storage', torch.XStorage, key, 'cpu', numel)
        WriteString("storage", "storage");
        WriteGlobal("torch", StorageClassName(tensor.DType));
        WriteString(key, "storage key");
        WriteString("cpu", "storage location");
        WriteInt(tensor.ElementCount);
        Raw((byte)'t'); // TUPLE
        Raw((byte)'Q'); // BINPERSID
        WriteInt(0); // storage_offset
        WriteIntTuple(tensor.Shape);
        WriteIntTuple(ContiguousStrides(tensor.Shape));
        Raw(0x89); // requires_grad = False
        WriteGlobal("collections", "OrderedDict"); // backward_hooks = OrderedDict()
        Raw((byte)')'); // EMPTY_TUPLE
        Raw((byte)'R'); // REDUCE
        Raw((byte)'t'); // TUPLE
        Raw((byte)'R'); // REDUCE
        tensorMemo.Add(tensor, Put());
    }

    private void WriteIntTuple(IReadOnlyList<long> values)
    {
        if (values.Count is 0 or > 3)
        {
            Raw(values.Count == 0 ? (byte)')' : (byte)'('); // EMPTY_TUPLE or MARK
        }

        foreach (long v in values)
        {
            WriteInt(v);
        }

        EndTuple(values.Count);
    }

    private void WriteTuple(IReadOnlyList<object?> items, string path)
    {
        if (items.Count is 0 or > 3)
        {
            Raw(items.Count == 0 ? (byte)')' : (byte)'('); // EMPTY_TUPLE or MARK
        }

        for (int i = 0; i < items.Count; i++)
        {
            WriteValue(items[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
        }

        EndTuple(items.Count);
    }

    private void EndTuple(int count)
    {
        switch (count)
        {
            case 0:
                break; // EMPTY_TUPLE already written
            case 1:
                Raw(0x85); // TUPLE1
                break;
            case 2:
                Raw(0x86); // TUPLE2
                break;
            case 3:
                Raw(0x87); // TUPLE3
                break;
            default:
                Raw((byte)'t'); // TUPLE
                break;
        }
    }

    private void WriteList(IList list, string path)
    {
        Raw((byte)']'); // EMPTY_LIST
        int count = list.Count;
        for (int start = 0; start < count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, count - start);
            if (n > 1)
            {
                Raw((byte)'('); // MARK
            }

            for (int i = start; i < start + n; i++)
            {
                WriteValue(list[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
            }

            Raw(n > 1 ? (byte)'e' : (byte)'a'); // APPENDS or APPEND
        }
    }

    private void WriteDictionary(
        IEnumerable<KeyValuePair<object, object?>> entries, bool ordered, object? state, string path, bool keysAreUnique) =>
        WriteDictionary(entries.Select(e => new KeyValuePair<object?, object?>(e.Key, e.Value)).ToList(), ordered, state, path, keysAreUnique);

    private void WriteDictionary(List<KeyValuePair<object?, object?>> entries, bool ordered, object? state, string path, bool keysAreUnique)
    {
        if (state is not null && !ordered)
        {
            throw Unsupported(path, $"a plain dict with attributes ({PickleFormatting.Describe(state)}) is not supported: only an OrderedDict can carry attributes");
        }

        // Validate every key first, so the message names the first bad key rather than a later symptom.
        var keys = new List<object>(entries.Count);
        HashSet<object>? seen = keysAreUnique ? null : new HashSet<object>(PickleKeyComparer.Instance);
        foreach (var (key, _) in entries)
        {
            object normalized = NormalizeKey(key, path);
            if (seen is not null && !seen.Add(normalized))
            {
                throw Unsupported(path, $"the key {KeyText(normalized)} appears twice (Python compares 1, 1.0 and True as the same key)");
            }

            keys.Add(normalized);
        }

        if (ordered)
        {
            WriteGlobal("collections", "OrderedDict");
            Raw((byte)')'); // EMPTY_TUPLE
            Raw((byte)'R'); // REDUCE
        }
        else
        {
            Raw((byte)'}'); // EMPTY_DICT
        }

        for (int start = 0; start < entries.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, entries.Count - start);
            if (n > 1)
            {
                Raw((byte)'('); // MARK
            }

            for (int i = start; i < start + n; i++)
            {
                object key = keys[i];
                WriteKey(key);
                WriteValue(entries[i].Value, path + "[" + KeyText(key) + "]");
            }

            Raw(n > 1 ? (byte)'u' : (byte)'s'); // SETITEMS or SETITEM
        }

        if (state is not null)
        {
            // OrderedDict.__reduce__ gives its __dict__ (a state_dict's _metadata) as the state, set by BUILD.
            string statePath = path + ".__dict__";
            if (state is not PickleDict && !TryGetEntries(state, out _, out _))
            {
                throw Unsupported(statePath, $"the attributes of an OrderedDict must be a dictionary, not {PickleFormatting.TypeName(state)}");
            }

            WriteValue(state, statePath);
            Raw((byte)'b'); // BUILD
        }
    }

    /// <summary>Writes a key already checked by <see cref="NormalizeKey"/>: a string, a number, a bool or a tuple of keys.</summary>
    private void WriteKey(object? key)
    {
        if (key is PickleTuple tuple)
        {
            if (tuple.Count is 0 or > 3)
            {
                Raw(tuple.Count == 0 ? (byte)')' : (byte)'(');
            }

            foreach (object? item in tuple)
            {
                WriteKey(item);
            }

            EndTuple(tuple.Count);
            return;
        }

        WriteValue(key, "key");
    }

    /// <summary>
    /// Checks that <paramref name="key"/> is a hashable Python value this writer supports and converts CLR tuples to
    /// <see cref="PickleTuple"/>, so keys compare as Python compares them.
    /// </summary>
    private static object NormalizeKey(object? key, string path)
    {
        if (key is null)
        {
            throw Unsupported(path, "a null key is not supported: use a string key");
        }

        return NormalizeKeyPart(key, path, depth: 0)!;
    }

    private static object? NormalizeKeyPart(object? key, string path, int depth)
    {
        switch (key)
        {
            case null when depth > 0:
                return null;
            case string or bool or long or int or short or sbyte or byte or ushort or uint or ulong or BigInteger or double or float:
                return key;
            case Half h:
                return (double)h;
            case PickleTuple or ITuple when depth < 32:
                {
                    IEnumerable<object?> items = key is PickleTuple pt ? pt : Items((ITuple)key);
                    return new PickleTuple(items.Select(item => NormalizeKeyPart(item, path, depth + 1)).ToArray());
                }

            default:
                string what = key is null ? "null" : key.GetType().FullName ?? key.GetType().Name;
                throw Unsupported(path, $"a dictionary key of type {what} is not supported: keys must be strings, integers, floating-point numbers, bools or tuples of those");
        }

        static IEnumerable<object?> Items(ITuple t)
        {
            for (int i = 0; i < t.Length; i++)
            {
                yield return t[i];
            }
        }
    }

    // ------------------------------------------------------------------ dictionaries of any type

    /// <summary>
    /// Reads the entries of a dictionary of any kind: an <see cref="IEnumerable{T}"/> of <see cref="KeyValuePair{TKey, TValue}"/>
    /// (any key and value types) or a non-generic <see cref="IDictionary"/>, in enumeration order.
    /// <paramref name="tensorValued"/> tells whether the value type is <see cref="TensorData"/>.
    /// </summary>
    private static bool TryGetEntries(object value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out List<KeyValuePair<object?, object?>>? entries, out bool tensorValued)
    {
        entries = null;
        tensorValued = false;
        switch (value)
        {
            case string:
                return false;
            case IEnumerable<KeyValuePair<string, TensorData>> tensors:
                tensorValued = true;
                entries = tensors.Select(kv => new KeyValuePair<object?, object?>(kv.Key, kv.Value)).ToList();
                return true;
            case IEnumerable<KeyValuePair<string, object?>> objects:
                entries = objects.Select(kv => new KeyValuePair<object?, object?>(kv.Key, kv.Value)).ToList();
                return true;
            case IEnumerable<KeyValuePair<object, object?>> objects:
                entries = objects.Select(kv => new KeyValuePair<object?, object?>(kv.Key, kv.Value)).ToList();
                return true;
        }

        Type? pairType = value.GetType().GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .Select(i => i.GetGenericArguments()[0])
            .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>));
        if (pairType is not null)
        {
            PropertyInfo keyProperty = pairType.GetProperty(nameof(KeyValuePair<object, object>.Key))!;
            PropertyInfo valueProperty = pairType.GetProperty(nameof(KeyValuePair<object, object>.Value))!;
            tensorValued = pairType.GetGenericArguments()[1] == typeof(TensorData);
            entries = new List<KeyValuePair<object?, object?>>();
            foreach (object? pair in (IEnumerable)value)
            {
                entries.Add(new KeyValuePair<object?, object?>(keyProperty.GetValue(pair), valueProperty.GetValue(pair)));
            }

            return true;
        }

        if (value is IDictionary dictionary)
        {
            entries = new List<KeyValuePair<object?, object?>>();
            IDictionaryEnumerator e = dictionary.GetEnumerator();
            while (e.MoveNext())
            {
                entries.Add(new KeyValuePair<object?, object?>(e.Key, e.Value));
            }

            return true;
        }

        return false;
    }

    // ------------------------------------------------------------------ memo, cycles, output

    private void Enter(object container, string path)
    {
        if (!open.Add(container))
        {
            throw Unsupported(path, "the value contains itself (a reference cycle), which a checkpoint cannot hold");
        }

        if (++this.depth > MaxDepth)
        {
            throw Unsupported(path, $"containers are nested more than {MaxDepth} deep");
        }
    }

    private void Leave(object container)
    {
        open.Remove(container);
        this.depth--;
    }

    /// <summary>Memoizes the top of the stack (BINPUT or LONG_BINPUT) and returns its memo index.</summary>
    private int Put()
    {
        int index = nextMemo++;
        if (index < 256)
        {
            Raw((byte)'q', (byte)index);
        }
        else
        {
            Span<byte> b = stackalloc byte[5];
            b[0] = (byte)'r';
            BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(1), (uint)index);
            Raw(b);
        }

        return index;
    }

    /// <summary>Pushes memo entry <paramref name="index"/> (BINGET or LONG_BINGET).</summary>
    private void Get(int index)
    {
        if (index < 256)
        {
            Raw((byte)'h', (byte)index);
        }
        else
        {
            Span<byte> b = stackalloc byte[5];
            b[0] = (byte)'j';
            BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(1), (uint)index);
            Raw(b);
        }
    }

    private void Raw(params ReadOnlySpan<byte> bytes) => pickle.Write(bytes);

    private static string KeyText(object? key) => key switch
    {
        string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        _ => PickleFormatting.Describe(key),
    };

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "..." : s;

    private static ArgumentException Unsupported(string path, string message) => new($"{path}: {message}.", "root");
}
