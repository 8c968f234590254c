using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>
/// Writes pickle opcodes byte by byte, so tests can build exactly the pickles torch.save writes (and broken ones)
/// without Python.
/// </summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> bytes = new();

    public int Length => bytes.Count;

    public byte[] ToArray() => bytes.ToArray();

    public PickleBuilder Raw(params byte[] bytes)
    {
        this.bytes.AddRange(bytes);
        return this;
    }

    public PickleBuilder Op(char opcode) => Raw((byte)opcode);

    public PickleBuilder Proto(int version = 2) => Raw(0x80, (byte)version);

    public PickleBuilder Frame(long length)
    {
        Raw(0x95);
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, length);
        return Raw(b);
    }

    public PickleBuilder Stop() => Op('.');

    public PickleBuilder Mark() => Op('(');

    public PickleBuilder None() => Op('N');

    public PickleBuilder Bool(bool value) => Raw(value ? (byte)0x88 : (byte)0x89);

    /// <summary>The shortest integer opcode, as CPython's pickler chooses it.</summary>
    public PickleBuilder Int(long value)
    {
        if (value >= 0 && value <= 0xFF)
        {
            return Raw((byte)'K', (byte)value);
        }

        if (value >= 0 && value <= 0xFFFF)
        {
            Raw((byte)'M');
            var b2 = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b2, (ushort)value);
            return Raw(b2);
        }

        if (value >= int.MinValue && value <= int.MaxValue)
        {
            Raw((byte)'J');
            var b4 = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b4, (int)value);
            return Raw(b4);
        }

        return Long1(value);
    }

    public PickleBuilder Long1(BigInteger value)
    {
        byte[] b = value.ToByteArray(isUnsigned: false, isBigEndian: false);
        Raw(0x8a, (byte)b.Length);
        return Raw(b);
    }

    public PickleBuilder Float(double value)
    {
        Raw((byte)'G');
        var b = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, value);
        return Raw(b);
    }

    /// <summary>BINUNICODE (what protocol 2 uses for every str).</summary>
    public PickleBuilder Str(string value)
    {
        byte[] b = Encoding.UTF8.GetBytes(value);
        Raw((byte)'X');
        var len = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
        Raw(len);
        return Raw(b);
    }

    /// <summary>SHORT_BINUNICODE (protocol 4).</summary>
    public PickleBuilder ShortStr(string value)
    {
        byte[] b = Encoding.UTF8.GetBytes(value);
        Raw(0x8c, (byte)b.Length);
        return Raw(b);
    }

    public PickleBuilder ShortBinBytes(byte[] value)
    {
        Raw((byte)'C', (byte)value.Length);
        return Raw(value);
    }

    public PickleBuilder Global(string module, string name) =>
        Raw((byte)'c').Raw(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));

    public PickleBuilder StackGlobal(string module, string name) => ShortStr(module).ShortStr(name).Raw(0x93);

    public PickleBuilder EmptyDict() => Op('}');

    public PickleBuilder EmptyList() => Op(']');

    public PickleBuilder EmptyTuple() => Op(')');

    public PickleBuilder EmptySet() => Raw(0x8f);

    public PickleBuilder AddItems() => Raw(0x90);

    public PickleBuilder FrozenSet() => Raw(0x91);

    public PickleBuilder Tuple() => Op('t');

    public PickleBuilder Tuple1() => Raw(0x85);

    public PickleBuilder Tuple2() => Raw(0x86);

    public PickleBuilder Tuple3() => Raw(0x87);

    public PickleBuilder SetItem() => Op('s');

    public PickleBuilder SetItems() => Op('u');

    public PickleBuilder Append() => Op('a');

    public PickleBuilder Appends() => Op('e');

    public PickleBuilder Reduce() => Op('R');

    public PickleBuilder Build() => Op('b');

    public PickleBuilder NewObj() => Raw(0x81);

    public PickleBuilder BinPersId() => Op('Q');

    public PickleBuilder BinPut(byte index) => Raw((byte)'q', index);

    public PickleBuilder BinGet(byte index) => Raw((byte)'h', index);

    public PickleBuilder Memoize() => Raw(0x94);

    /// <summary>A tuple of integers: MARK, ints, TUPLE.</summary>
    public PickleBuilder IntTuple(params long[] values)
    {
        Mark();
        foreach (long v in values)
        {
            Int(v);
        }

        return Tuple();
    }

    /// <summary>The persistent id torch.save (zip format) writes: ('storage', torch.X, key, location, numel).</summary>
    public PickleBuilder StoragePid(string storageType, string key, long numel, string location = "cpu") =>
        Mark().Str("storage").Global("torch", storageType).Str(key).Str(location).Int(numel).Tuple().BinPersId();

    /// <summary>
    /// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()) as torch.save writes it.
    /// </summary>
    public PickleBuilder Tensor(string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2");
        Mark();
        StoragePid(storageType, key, numel);
        Int(offset).IntTuple(size).IntTuple(stride).Bool(false);
        Global("collections", "OrderedDict").EmptyTuple().Reduce();
        Tuple();
        return Reduce();
    }

    /// <summary>A contiguous float tensor over a whole FloatStorage.</summary>
    public PickleBuilder FloatTensor(string key, params long[] size)
    {
        long numel = size.Aggregate(1L, (a, b) => a * b);
        return Tensor("FloatStorage", key, numel, 0, size, ContiguousStrides(size));
    }

    public static long[] ContiguousStrides(long[] size)
    {
        var stride = new long[size.Length];
        long s = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            stride[d] = s;
            s *= size[d];
        }

        return stride;
    }
}
