using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace T2F.Core.Checkpoints;

/// <summary>
/// A safe pickle virtual machine (protocols 0 to 5). It never imports, instantiates or calls anything a pickle
/// names: a few well-known globals (dicts, sets, bytes, PyTorch's tensor rebuild functions) are interpreted as data,
/// every other global becomes an inert <see cref="PickleGlobal"/>, and calling it yields an inert
/// <see cref="PickledObject"/>.
/// </summary>
internal sealed class Unpickler
{
    private const int HighestProtocol = 5;

    private readonly Stream stream;
    private readonly string sourceName;
    private readonly string pickleName;
    private readonly Func<object, object?>? persistentLoad;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();
    private long start;
    private long opcodeOffset;
    private byte opcode;

    /// <param name="stream">A seekable stream positioned at the pickle; left just after its STOP.</param>
    /// <param name="sourceName">The file name, for messages.</param>
    /// <param name="pickleName">Which pickle of the file, e.g. <c>archive/data.pkl</c>, for messages.</param>
    /// <param name="persistentLoad">Resolves persistent ids (PyTorch storages); null: persistent ids are an error.</param>
    public Unpickler(Stream stream, string sourceName, string pickleName, Func<object, object?>? persistentLoad)
    {
        this.stream = stream;
        this.sourceName = sourceName;
        this.pickleName = pickleName;
        this.persistentLoad = persistentLoad;
    }

    /// <summary>The sentinel a tensor rebuild returns while <see cref="DeferTensors"/> is set and its storage has no bytes yet.</summary>
    public static object DeferredTensor { get; } = new();

    /// <summary>When set, tensors over storages without bytes become <see cref="DeferredTensor"/> instead of an error.</summary>
    public bool DeferTensors { get; init; }

    /// <summary>Runs the pickle to its STOP and returns the object it built.</summary>
    public object? Load()
    {
        start = this.stream.Position;
        stack.Clear();
        marks.Clear();
        memo.Clear();
        try
        {
            return Run();
        }
        catch (CheckpointFormatException)
        {
            throw;
        }
        catch (EndOfStreamException ex)
        {
            throw Truncated(ex);
        }
        catch (Exception ex) when (ex is InvalidCastException or ArgumentException or IndexOutOfRangeException
                                       or NullReferenceException or OverflowException or FormatException
                                       or KeyNotFoundException or InvalidOperationException or DecoderFallbackException)
        {
            throw Corrupt($"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private object? Run()
    {
        while (true)
        {
            opcodeOffset = this.stream.Position;
            int b = this.stream.ReadByte();
            if (b < 0)
            {
                throw Truncated(null);
            }

            opcode = (byte)b;
            switch (opcode)
            {
                case 0x80: // PROTO
                    {
                        int protocol = ReadByte();
                        if (protocol > HighestProtocol)
                        {
                            throw Corrupt($"pickle protocol {protocol} is newer than the highest this reader knows ({HighestProtocol})");
                        }

                        break;
                    }

                case 0x95: // FRAME: frames only group opcodes; the length is informative.
                    ReadBytes(8);
                    break;
                case (byte)'.': // STOP
                    return Pop();
                case (byte)'(': // MARK
                    marks.Push(stack.Count);
                    break;
                case (byte)'0': // POP (of the top item, or of an empty MARK)
                    if (marks.Count > 0 && stack.Count == marks.Peek())
                    {
                        PopMark();
                    }
                    else
                    {
                        Pop();
                    }

                    break;
                case (byte)'1': // POP_MARK
                    PopMark();
                    break;
                case (byte)'2': // DUP
                    Push(Peek());
                    break;

                // ----- constants and numbers
                case (byte)'N': // NONE
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                    break;
                case 0x8a: // LONG1
                    Push(DecodeLong(ReadBytes(ReadByte())));
                    break;
                case 0x8b: // LONG4
                    {
                        int n = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
                        if (n < 0)
                        {
                            throw Corrupt($"LONG4 with a negative length {n}");
                        }

                        Push(DecodeLong(ReadBytes(n)));
                        break;
                    }

                case (byte)'G': // BINFLOAT (big-endian)
                    Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                    break;
                case (byte)'I': // INT (text; 00 and 01 are False and True)
                    {
                        string line = ReadLine();
                        if (line == "00")
                        {
                            Push(false);
                        }
                        else if (line == "01")
                        {
                            Push(true);
                        }
                        else
                        {
                            Push(ParseTextInteger(line));
                        }

                        break;
                    }

                case (byte)'L': // LONG (text, optional trailing L)
                    {
                        string line = ReadLine();
                        Push(ParseTextInteger(line.EndsWith('L') ? line[..^1] : line));
                        break;
                    }

                case (byte)'F': // FLOAT (text)
                    {
                        string line = ReadLine();
                        if (!double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                        {
                            d = line.ToLowerInvariant() switch
                            {
                                "inf" => double.PositiveInfinity,
                                "-inf" => double.NegativeInfinity,
                                "nan" => double.NaN,
                                _ => throw Corrupt($"FLOAT with text '{line}' that is not a number"),
                            };
                        }

                        Push(d);
                        break;
                    }

                // ----- strings and bytes
                case 0x8c: // SHORT_BINUNICODE
                    Push(DecodeUtf8(ReadBytes(ReadByte())));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(DecodeUtf8(ReadBytes(ReadLength4())));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(DecodeUtf8(ReadBytes(ReadLength8())));
                    break;
                case (byte)'C': // SHORT_BINBYTES
                    Push(ReadBytes(ReadByte()));
                    break;
                case (byte)'B': // BINBYTES
                    Push(ReadBytes(ReadLength4()));
                    break;
                case 0x8e: // BINBYTES8
                    Push(ReadBytes(ReadLength8()));
                    break;
                case 0x96: // BYTEARRAY8
                    Push(ReadBytes(ReadLength8()));
                    break;
                case (byte)'U': // SHORT_BINSTRING (Python 2 str)
                    Push(DecodePython2String(ReadBytes(ReadByte())));
                    break;
                case (byte)'T': // BINSTRING (Python 2 str)
                    {
                        int n = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
                        if (n < 0)
                        {
                            throw Corrupt($"BINSTRING with a negative length {n}");
                        }

                        Push(DecodePython2String(ReadBytes(n)));
                        break;
                    }

                case (byte)'S': // STRING (text, quoted repr)
                    Push(DecodePython2String(ParseQuotedString(ReadLine())));
                    break;
                case (byte)'V': // UNICODE (text, raw-unicode-escape)
                    Push(DecodeRawUnicodeEscape(ReadLineBytes()));
                    break;

                // ----- containers
                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(PickleTuple.Empty);
                    break;
                case 0x8f: // EMPTY_SET
                    Push(new PickleSet());
                    break;
                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopMark().ToArray()));
                    break;
                case 0x85: // TUPLE1
                    {
                        object? a = Pop();
                        Push(new PickleTuple(a));
                        break;
                    }

                case 0x86: // TUPLE2
                    {
                        object? b2 = Pop();
                        object? a = Pop();
                        Push(new PickleTuple(a, b2));
                        break;
                    }

                case 0x87: // TUPLE3
                    {
                        object? c = Pop();
                        object? b2 = Pop();
                        object? a = Pop();
                        Push(new PickleTuple(a, b2, c));
                        break;
                    }

                case (byte)'l': // LIST
                    Push(PopMark());
                    break;
                case (byte)'d': // DICT
                    {
                        List<object?> items = PopMark();
                        var dict = new PickleDict();
                        SetItems(dict, items);
                        Push(dict);
                        break;
                    }

                case 0x91: // FROZENSET
                    {
                        var set = new PickleSet(isFrozen: true);
                        foreach (object? item in PopMark())
                        {
                            set.Add(item);
                        }

                        Push(set);
                        break;
                    }

                case (byte)'a': // APPEND
                    {
                        object? value = Pop();
                        Append(Peek(), value);
                        break;
                    }

                case (byte)'e': // APPENDS
                    {
                        List<object?> items = PopMark();
                        object? target = Peek();
                        foreach (object? item in items)
                        {
                            Append(target, item);
                        }

                        break;
                    }

                case (byte)'s': // SETITEM
                    {
                        object? value = Pop();
                        object? key = Pop();
                        SetItems(Peek(), new List<object?> { key, value });
                        break;
                    }

                case (byte)'u': // SETITEMS
                    {
                        List<object?> items = PopMark();
                        SetItems(Peek(), items);
                        break;
                    }

                case 0x90: // ADDITEMS
                    {
                        List<object?> items = PopMark();
                        if (Peek() is not PickleSet set || set.IsFrozen)
                        {
                            throw Corrupt($"ADDITEMS on {PickleFormatting.TypeName(Peek())}, not a set");
                        }

                        foreach (object? item in items)
                        {
                            set.Add(item);
                        }

                        break;
                    }

                // ----- memo
                case (byte)'q': // BINPUT
                    memo[ReadByte()] = Peek();
                    break;
                case (byte)'r': // LONG_BINPUT
                    memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek();
                    break;
                case (byte)'p': // PUT
                    memo[ParseMemoIndex(ReadLine())] = Peek();
                    break;
                case 0x94: // MEMOIZE
                    memo[memo.Count] = Peek();
                    break;
                case (byte)'h': // BINGET
                    Push(GetMemo(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(GetMemo(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))));
                    break;
                case (byte)'g': // GET
                    Push(GetMemo(ParseMemoIndex(ReadLine())));
                    break;

                // ----- globals, calls, objects
                case (byte)'c': // GLOBAL
                    {
                        string module = ReadLine();
                        string name = ReadLine();
                        Push(new PickleGlobal(module, name));
                        break;
                    }

                case 0x93: // STACK_GLOBAL
                    {
                        object? name = Pop();
                        object? module = Pop();
                        if (module is not string m || name is not string n)
                        {
                            throw Corrupt($"STACK_GLOBAL needs two strings, found {PickleFormatting.TypeName(module)} and {PickleFormatting.TypeName(name)}");
                        }

                        Push(new PickleGlobal(m, n));
                        break;
                    }

                case (byte)'R': // REDUCE
                    {
                        object? args = Pop();
                        object? callable = Pop();
                        Push(Call(callable, AsArgs(args, "REDUCE"), "REDUCE"));
                        break;
                    }

                case 0x81: // NEWOBJ
                    {
                        object? args = Pop();
                        object? cls = Pop();
                        Push(NewObject(cls, AsArgs(args, "NEWOBJ"), null, "NEWOBJ"));
                        break;
                    }

                case 0x92: // NEWOBJ_EX
                    {
                        object? kwargs = Pop();
                        object? args = Pop();
                        object? cls = Pop();
                        Push(NewObject(cls, AsArgs(args, "NEWOBJ_EX"), kwargs as PickleDict, "NEWOBJ_EX"));
                        break;
                    }

                case (byte)'i': // INST
                    {
                        string module = ReadLine();
                        string name = ReadLine();
                        List<object?> args = PopMark();
                        Push(NewObject(new PickleGlobal(module, name), new PickleTuple(args.ToArray()), null, "INST"));
                        break;
                    }

                case (byte)'o': // OBJ
                    {
                        List<object?> items = PopMark();
                        if (items.Count == 0)
                        {
                            throw Corrupt("OBJ without a class");
                        }

                        Push(NewObject(items[0], new PickleTuple(items.Skip(1).ToArray()), null, "OBJ"));
                        break;
                    }

                case (byte)'b': // BUILD
                    {
                        object? state = Pop();
                        Build(Peek(), state);
                        break;
                    }

                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop()));
                    break;
                case (byte)'P': // PERSID
                    Push(PersistentLoad(ReadLine()));
                    break;

                case 0x82 or 0x83 or 0x84: // EXT1, EXT2, EXT4
                    throw Corrupt("it uses the copyreg extension registry (EXT1/EXT2/EXT4), which a checkpoint never needs and this reader does not support");
                case 0x97 or 0x98: // NEXT_BUFFER, READONLY_BUFFER
                    throw Corrupt("it uses out-of-band buffers (pickle protocol 5 NEXT_BUFFER), which torch.save never writes");
                default:
                    throw Corrupt($"unknown pickle opcode 0x{opcode:x2}");
            }
        }
    }

    // ------------------------------------------------------------------ calls

    private object? Call(object? callable, PickleTuple args, string kind)
    {
        if (callable is PickleGlobal g)
        {
            switch (g.Module)
            {
                case "collections" when g.Name is "OrderedDict" or "defaultdict":
                    {
                        var dict = new PickleDict(isOrderedDict: g.Name == "OrderedDict");
                        if (g.Name == "OrderedDict" && args.Count > 0)
                        {
                            FillDict(dict, args[0]);
                        }

                        return dict;
                    }

                case "builtins" or "__builtin__":
                    switch (g.Name)
                    {
                        case "dict":
                            {
                                var dict = new PickleDict();
                                if (args.Count > 0)
                                {
                                    FillDict(dict, args[0]);
                                }

                                return dict;
                            }

                        case "set" or "frozenset":
                            {
                                var set = new PickleSet(isFrozen: g.Name == "frozenset");
                                if (args.Count > 0)
                                {
                                    foreach (object? item in AsSequence(args[0], g.FullName))
                                    {
                                        set.Add(item);
                                    }
                                }

                                return set;
                            }

                        case "list":
                            return args.Count > 0 ? AsSequence(args[0], g.FullName).ToList() : new List<object?>();
                        case "tuple":
                            return args.Count > 0 ? new PickleTuple(AsSequence(args[0], g.FullName).ToArray()) : PickleTuple.Empty;
                        case "bytes" or "bytearray":
                            return MakeBytes(args, g.FullName);
                    }

                    break;
                case "_codecs" when g.Name == "encode":
                    return MakeBytes(args, g.FullName);
                case "copyreg" or "copy_reg" when g.Name == "_reconstructor" && args.Count >= 1 && args[0] is not null:
                    // copyreg._reconstructor(cls, base, state): protocol 0/1 object creation.
                    return NewObject(args[0], new PickleTuple(args.Skip(1).ToArray()), null, "REDUCE");
                case "copyreg" or "copy_reg" when g.Name == "__newobj__" && args.Count >= 1 && args[0] is not null:
                    return NewObject(args[0], new PickleTuple(args.Skip(1).ToArray()), null, "NEWOBJ");
                case "torch" when g.Name == "Size":
                    return args.Count > 0 ? new PickleTuple(AsSequence(args[0], g.FullName).ToArray()) : PickleTuple.Empty;
                case "torch._utils":
                    switch (g.Name)
                    {
                        case "_rebuild_tensor_v2" or "_rebuild_tensor":
                            return RebuildTensor(args, g.FullName);
                        case "_rebuild_parameter" or "_rebuild_parameter_with_state":
                            if (args.Count < 1)
                            {
                                throw Corrupt($"{g.FullName} called without arguments");
                            }

                            return args[0];
                    }

                    break;
                case "torch._tensor" when g.Name is "_rebuild_from_type_v2" or "_rebuild_from_type":
                    // _rebuild_from_type_v2(func, new_type, args, state): a tensor subclass; rebuild the plain tensor.
                    if (args.Count < 3)
                    {
                        throw Corrupt($"{g.FullName} called with {args.Count} arguments, expected at least 3");
                    }

                    return Call(args[0], AsArgs(args[2], g.FullName), kind);
            }
        }

        if (callable is null)
        {
            throw Corrupt($"{kind} calls None");
        }

        return new PickledObject(callable, args, kind);
    }

    private object? NewObject(object? cls, PickleTuple args, PickleDict? kwargs, string kind)
    {
        if (cls is PickleGlobal g)
        {
            if (g.Is("collections", "OrderedDict") || g.Is("collections", "defaultdict"))
            {
                return new PickleDict(isOrderedDict: g.Name == "OrderedDict");
            }

            if ((g.Module is "builtins" or "__builtin__") && g.Name is "dict" or "set" or "frozenset" or "list")
            {
                return g.Name switch
                {
                    "dict" => new PickleDict(),
                    "list" => new List<object?>(),
                    _ => new PickleSet(isFrozen: g.Name == "frozenset"),
                };
            }
        }

        if (cls is null)
        {
            throw Corrupt($"{kind} with None as the class");
        }

        return new PickledObject(cls, args, kind, kwargs);
    }

    private object RebuildTensor(PickleTuple args, string function)
    {
        if (args.Count < 4)
        {
            throw Corrupt($"{function} called with {args.Count} arguments, expected at least 4 (storage, storage_offset, size, stride)");
        }

        if (args[0] is not TorchStorage storage)
        {
            throw Corrupt($"{function} expects a storage (a persistent id) as its first argument, found {PickleFormatting.TypeName(args[0])}");
        }

        long offset = ToLong(args[1], "storage_offset");
        long[] size = ToLongArray(args[2], "size");
        long[] stride = ToLongArray(args[3], "stride");
        if (DeferTensors && !storage.IsAvailable)
        {
            return DeferredTensor;
        }

        return TensorGather.Build(storage, offset, size, stride, this.sourceName);
    }

    private object? PersistentLoad(object? pid)
    {
        if (this.persistentLoad is null)
        {
            throw Corrupt("it has a persistent id, which this pickle must not contain");
        }

        if (pid is null)
        {
            throw Corrupt("persistent id None");
        }

        return this.persistentLoad(pid);
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case PickleDict dict:
                dict.State = MergeState(dict.State, state);
                break;
            case PickledObject obj:
                obj.State = MergeState(obj.State, state);
                break;
            case TensorData:
                // Tensor attributes (e.g. from a tensor subclass) carry nothing this reader uses.
                break;
            default:
                if (ReferenceEquals(target, DeferredTensor))
                {
                    break;
                }

                throw Corrupt($"BUILD (set state) on {PickleFormatting.TypeName(target)}, which has no state");
        }
    }

    private static object? MergeState(object? existing, object? state)
    {
        if (existing is PickleDict old && state is PickleDict add)
        {
            foreach (KeyValuePair<object, object?> kv in add)
            {
                old.Set(kv.Key, kv.Value);
            }

            return old;
        }

        return state;
    }

    private void Append(object? target, object? value)
    {
        switch (target)
        {
            case List<object?> list:
                list.Add(value);
                break;
            case PickledObject obj:
                obj.ListItems.Add(value);
                break;
            default:
                throw Corrupt($"APPEND to {PickleFormatting.TypeName(target)}, not a list");
        }
    }

    private void SetItems(object? target, List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Corrupt($"{items.Count} items for key/value pairs (an odd number)");
        }

        PickleDict dict = target switch
        {
            PickleDict d => d,
            PickledObject obj => obj.DictItems,
            _ => throw Corrupt($"SETITEM on {PickleFormatting.TypeName(target)}, not a dict"),
        };
        for (int i = 0; i < items.Count; i += 2)
        {
            object key = items[i] ?? throw Corrupt("a dictionary key None, which this reader does not support");
            dict.Set(key, items[i + 1]);
        }
    }

    private void FillDict(PickleDict dict, object? source)
    {
        if (source is PickleDict other)
        {
            foreach (KeyValuePair<object, object?> kv in other)
            {
                dict.Set(kv.Key, kv.Value);
            }

            return;
        }

        foreach (object? pair in AsSequence(source, "dict()"))
        {
            if (pair is not IReadOnlyList<object?> { Count: 2 } kv)
            {
                throw Corrupt($"dict() from an item that is not a key/value pair: {PickleFormatting.TypeName(pair)}");
            }

            dict.Set(kv[0] ?? throw Corrupt("a dictionary key None, which this reader does not support"), kv[1]);
        }
    }

    private IEnumerable<object?> AsSequence(object? value, string what) => value switch
    {
        List<object?> list => list,
        PickleTuple tuple => tuple,
        PickleSet set => set,
        PickleDict dict => dict.Keys.Cast<object?>(),
        _ => throw Corrupt($"{what} of {PickleFormatting.TypeName(value)}, not a sequence"),
    };

    private byte[] MakeBytes(PickleTuple args, string what)
    {
        if (args.Count == 0)
        {
            return Array.Empty<byte>();
        }

        switch (args[0])
        {
            case byte[] bytes:
                return bytes;
            case string s:
                {
                    string encoding = args.Count > 1 && args[1] is string e ? e.ToLowerInvariant().Replace('_', '-') : "utf-8";
                    return encoding switch
                    {
                        "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1" or "l1" => Encoding.Latin1.GetBytes(s),
                        "utf-8" or "utf8" => Encoding.UTF8.GetBytes(s),
                        "ascii" or "us-ascii" => Encoding.ASCII.GetBytes(s),
                        _ => throw Corrupt($"{what} with the text encoding '{encoding}', which this reader does not support"),
                    };
                }

            case List<object?> or PickleTuple:
                return AsSequence(args[0], what).Select(v => (byte)ToLong(v, what)).ToArray();
            default:
                throw Corrupt($"{what} of {PickleFormatting.TypeName(args[0])}");
        }
    }

    private PickleTuple AsArgs(object? args, string what) => args switch
    {
        PickleTuple t => t,
        List<object?> l => new PickleTuple(l.ToArray()),
        _ => throw Corrupt($"{what} with arguments that are {PickleFormatting.TypeName(args)}, not a tuple"),
    };

    private long ToLong(object? value, string what) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
        _ => throw Corrupt($"{what} is {PickleFormatting.TypeName(value)} ({PickleFormatting.Describe(value)}), expected an integer"),
    };

    private long[] ToLongArray(object? value, string what)
    {
        if (value is not (PickleTuple or List<object?>))
        {
            throw Corrupt($"{what} is {PickleFormatting.TypeName(value)}, expected a tuple of integers");
        }

        return AsSequence(value, what).Select(v => ToLong(v, what)).ToArray();
    }

    // ------------------------------------------------------------------ stack and memo

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        int floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count <= floor)
        {
            throw Corrupt("the stack is empty (pops past a MARK or the bottom)");
        }

        object? value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        int floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count <= floor)
        {
            throw Corrupt("the stack is empty (reads past a MARK or the bottom)");
        }

        return stack[^1];
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0)
        {
            throw Corrupt("it pops to a MARK that was never pushed");
        }

        int mark = marks.Pop();
        List<object?> items = stack.GetRange(mark, stack.Count - mark);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private object? GetMemo(long index)
    {
        if (!memo.TryGetValue(index, out object? value))
        {
            throw Corrupt($"it reads memo entry {index}, which was never stored");
        }

        return value;
    }

    // ------------------------------------------------------------------ reading

    private int ReadByte()
    {
        int b = this.stream.ReadByte();
        if (b < 0)
        {
            throw Truncated(null);
        }

        return b;
    }

    private byte[] ReadBytes(long count)
    {
        if (count < 0)
        {
            throw Corrupt($"a negative length {count}");
        }

        long remaining = this.stream.Length - this.stream.Position;
        if (count > remaining)
        {
            throw Truncated(null, $"it needs {count} more bytes but only {remaining} remain");
        }

        if (count > Array.MaxLength)
        {
            throw Corrupt($"a single value of {count} bytes, too large for this reader");
        }

        var buffer = new byte[count];
        this.stream.ReadExactly(buffer);
        return buffer;
    }

    private int ReadLength4()
    {
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));
        if (n > Array.MaxLength)
        {
            throw Corrupt($"a length of {n} bytes, too large");
        }

        return (int)n;
    }

    private long ReadLength8()
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        if (n > (ulong)Array.MaxLength)
        {
            throw Corrupt($"a length of {n} bytes, too large");
        }

        return (long)n;
    }

    private byte[] ReadLineBytes()
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n')
            {
                return bytes.ToArray();
            }

            if (bytes.Count > 1_000_000)
            {
                throw Corrupt("a text line longer than 1 MB");
            }

            bytes.Add((byte)b);
        }
    }

    private string ReadLine()
    {
        string line = DecodeUtf8(ReadLineBytes());
        return line.EndsWith('\r') ? line[..^1] : line;
    }

    // ------------------------------------------------------------------ decoding

    private static string DecodeUtf8(byte[] bytes) =>
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);

    /// <summary>Python 2 str: torch.load decodes it as UTF-8; fall back to Latin-1 for arbitrary bytes.</summary>
    private static string DecodePython2String(byte[] bytes)
    {
        try
        {
            return DecodeUtf8(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private static object DecodeLong(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return 0L;
        }

        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private object ParseTextInteger(string text)
    {
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger value))
        {
            throw Corrupt($"an integer written as '{text}'");
        }

        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private long ParseMemoIndex(string text)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long index))
        {
            throw Corrupt($"a memo index written as '{text}'");
        }

        return index;
    }

    /// <summary>Decodes the quoted Python 2 repr of STRING: 'abc' or "abc" with backslash escapes.</summary>
    private byte[] ParseQuotedString(string line)
    {
        if (line.Length < 2 || (line[0] != '\'' && line[0] != '"') || line[^1] != line[0])
        {
            throw Corrupt("a STRING that is not quoted");
        }

        string body = line[1..^1];
        var bytes = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '\\')
            {
                if (c > 0xFF)
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                }
                else
                {
                    bytes.Add((byte)c);
                }

                continue;
            }

            if (++i >= body.Length)
            {
                throw Corrupt("a STRING ending in a backslash");
            }

            char e = body[i];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case '\\' or '\'' or '"': bytes.Add((byte)e); break;
                case 'x':
                    if (i + 2 >= body.Length)
                    {
                        throw Corrupt("a STRING with a short \\x escape");
                    }

                    bytes.Add(byte.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case >= '0' and <= '7':
                    {
                        int value = 0;
                        int n = 0;
                        while (n < 3 && i < body.Length && body[i] >= '0' && body[i] <= '7')
                        {
                            value = (value * 8) + (body[i] - '0');
                            i++;
                            n++;
                        }

                        i--;
                        bytes.Add((byte)value);
                        break;
                    }

                default:
                    bytes.Add((byte)'\\');
                    bytes.Add((byte)e);
                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>Decodes Python's raw-unicode-escape: Latin-1 bytes with \uXXXX and \UXXXXXXXX escapes.</summary>
    private string DecodeRawUnicodeEscape(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\\' && i + 1 < bytes.Length && (bytes[i + 1] == 'u' || bytes[i + 1] == 'U'))
            {
                int digits = bytes[i + 1] == 'u' ? 4 : 8;
                if (i + 2 + digits > bytes.Length)
                {
                    throw Corrupt("a UNICODE string with a short \\u escape");
                }

                int code = int.Parse(Encoding.ASCII.GetString(bytes, i + 2, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                sb.Append(char.ConvertFromUtf32(code));
                i += 1 + digits;
            }
            else
            {
                sb.Append((char)bytes[i]);
            }
        }

        return sb.ToString();
    }

    // ------------------------------------------------------------------ errors

    private CheckpointFormatException Corrupt(string what, Exception? inner = null) => new(
        $"{this.sourceName}: the pickle {this.pickleName} cannot be read: at byte {opcodeOffset - start} (opcode 0x{opcode:x2}) {what}. " +
        "The file is corrupt or was not written by torch.save; re-save it with torch.save(obj, path) from a recent PyTorch, or re-download or re-copy it.",
        inner);

    private CheckpointFormatException Truncated(Exception? inner, string? detail = null) => new(
        $"{this.sourceName}: the pickle {this.pickleName} ends early at byte {this.stream.Position - start}" +
        (detail is null ? string.Empty : $" ({detail})") +
        ": the file is truncated: re-download or re-copy it.",
        inner);
}
