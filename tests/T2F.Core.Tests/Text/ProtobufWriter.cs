using System.Buffers.Binary;
using System.Text;

namespace T2F.Core.Tests.Text;

/// <summary>Writes protobuf wire format by hand, to build small ONNX models (and broken ones) for the reader's tests.</summary>
internal sealed class ProtobufWriter
{
    private readonly MemoryStream stream = new();

    public byte[] ToArray() => stream.ToArray();

    public ProtobufWriter Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    public ProtobufWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        stream.Write(value);
        return this;
    }

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.ToArray());

    public ProtobufWriter Fixed32(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        stream.Write(b);
        return this;
    }

    public ProtobufWriter PackedVarints(int field, IEnumerable<long> values)
    {
        var inner = new ProtobufWriter();
        foreach (var v in values)
        {
            inner.WriteVarint(unchecked((ulong)v));
        }

        return Bytes(field, inner.ToArray());
    }

    public ProtobufWriter PackedFloats(int field, IEnumerable<float> values)
    {
        var bytes = values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
        return Bytes(field, bytes);
    }

    public ProtobufWriter Raw(params byte[] bytes)
    {
        stream.Write(bytes);
        return this;
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }
}

/// <summary>Builds ONNX messages (field numbers of onnx.proto3).</summary>
internal static class OnnxBuilder
{
    public static ProtobufWriter FloatTensor(string name, long[] dims, float[] values, bool raw = true, bool packedDims = true)
    {
        var t = new ProtobufWriter();
        if (packedDims)
        {
            t.PackedVarints(1, dims);
        }
        else
        {
            foreach (var d in dims)
            {
                t.Varint(1, d);
            }
        }

        t.Varint(2, 1).String(8, name);
        if (raw)
        {
            t.Bytes(9, values.SelectMany(BitConverter.GetBytes).ToArray());
        }
        else
        {
            t.PackedFloats(4, values);
        }

        return t;
    }

    public static ProtobufWriter Int64Tensor(string name, long[] dims, long[] values) =>
        new ProtobufWriter().PackedVarints(1, dims).Varint(2, 7).String(8, name).PackedVarints(7, values);

    public static ProtobufWriter Node(string op, string[] inputs, string[] outputs, string name = "")
    {
        var n = new ProtobufWriter();
        foreach (var i in inputs)
        {
            n.String(1, i);
        }

        foreach (var o in outputs)
        {
            n.String(2, o);
        }

        return n.String(3, name).String(4, op);
    }

    public static byte[] Model(IEnumerable<ProtobufWriter> nodes, IEnumerable<ProtobufWriter> initializers)
    {
        var graph = new ProtobufWriter();
        foreach (var n in nodes)
        {
            graph.Message(1, n);
        }

        graph.String(2, "test-graph");
        foreach (var i in initializers)
        {
            graph.Message(5, i);
        }

        return new ProtobufWriter()
            .Varint(1, 7)
            .String(2, "unit-test")
            .Message(8, new ProtobufWriter().String(1, string.Empty).Varint(2, 13))
            .Message(7, graph)
            .ToArray();
    }
}
