using System.Text;

namespace T2F.Core.Checkpoints;

/// <summary>
/// A forward-only reader of the protobuf wire format (varints, 64-bit, length-delimited and 32-bit fields), enough
/// to walk ONNX files without generated classes. Length-delimited fields are returned as slices of the input, so
/// large tensors are never copied here. Groups (wire types 3 and 4) are rejected: ONNX does not use them.
/// </summary>
internal struct ProtobufReader
{
    private readonly ReadOnlyMemory<byte> buffer;
    private readonly string what;
    private int position;

    /// <summary>Creates a reader over one message.</summary>
    /// <param name="buffer">The message's bytes.</param>
    /// <param name="what">What the message is, for error messages (e.g. <c>model.onnx ModelProto</c>).</param>
    public ProtobufReader(ReadOnlyMemory<byte> buffer, string what)
    {
        this.buffer = buffer;
        this.what = what;
        position = 0;
    }

    /// <summary>Protobuf wire types.</summary>
    public enum WireType
    {
        /// <summary>A varint.</summary>
        Varint = 0,

        /// <summary>8 bytes, little-endian.</summary>
        Fixed64 = 1,

        /// <summary>A varint length, then that many bytes (strings, bytes, messages, packed repeated fields).</summary>
        LengthDelimited = 2,

        /// <summary>4 bytes, little-endian.</summary>
        Fixed32 = 5,
    }

    /// <summary>True when the whole message has been read.</summary>
    public readonly bool AtEnd => position >= buffer.Length;

    /// <summary>Reads the next field's tag.</summary>
    /// <param name="field">The field number.</param>
    /// <param name="wireType">How the value is encoded.</param>
    /// <returns>False at the end of the message.</returns>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (AtEnd)
        {
            field = 0;
            wireType = WireType.Varint;
            return false;
        }

        ulong tag = ReadVarint();
        ulong number = tag >> 3;
        int type = (int)(tag & 7);
        if (number == 0 || number > int.MaxValue)
        {
            throw Error($"field number {number} at byte {position} is not valid");
        }

        if (type is not (0 or 1 or 2 or 5))
        {
            throw Error($"field {number} has wire type {type}, which ONNX does not use (groups or a corrupt file)");
        }

        field = (int)number;
        wireType = (WireType)type;
        return true;
    }

    /// <summary>Reads a varint (up to 10 bytes).</summary>
    /// <returns>The value.</returns>
    public ulong ReadVarint()
    {
        var span = buffer.Span;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= span.Length)
            {
                throw Error("a varint runs past the end of the data (the file is truncated)");
            }

            byte b = span[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Error($"a varint at byte {position} is longer than 10 bytes");
    }

    /// <summary>Reads a varint as a signed 64-bit value (two's complement, as protobuf's int64/int32 are).</summary>
    /// <returns>The value.</returns>
    public long ReadInt64() => unchecked((long)ReadVarint());

    /// <summary>Reads a length-delimited field's payload as a slice of the input.</summary>
    /// <returns>The payload.</returns>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(buffer.Length - position))
        {
            throw Error($"a field of {length} bytes at byte {position} runs past the end of the {buffer.Length}-byte message (the file is truncated)");
        }

        var slice = buffer.Slice(position, (int)length);
        position += (int)length;
        return slice;
    }

    /// <summary>Reads a length-delimited field as a UTF-8 string.</summary>
    /// <returns>The string.</returns>
    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    /// <summary>Skips a field's value.</summary>
    /// <param name="wireType">The field's wire type.</param>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                throw Error($"cannot skip wire type {(int)wireType}");
        }
    }

    /// <summary>
    /// Reads a repeated int64 field, packed (one length-delimited run of varints) or not (one varint per tag), and
    /// appends the values to <paramref name="into"/>.
    /// </summary>
    /// <param name="wireType">The wire type of the tag just read.</param>
    /// <param name="into">Where the values go.</param>
    public void ReadRepeatedInt64(WireType wireType, List<long> into)
    {
        if (wireType == WireType.Varint)
        {
            into.Add(ReadInt64());
            return;
        }

        if (wireType != WireType.LengthDelimited)
        {
            throw Error($"a repeated int64 field has wire type {(int)wireType}");
        }

        var packed = new ProtobufReader(ReadBytes(), what);
        while (!packed.AtEnd)
        {
            into.Add(packed.ReadInt64());
        }
    }

    /// <summary>
    /// Reads a repeated float field, packed or not, and appends the values to <paramref name="into"/>.
    /// </summary>
    /// <param name="wireType">The wire type of the tag just read.</param>
    /// <param name="into">Where the values go.</param>
    public void ReadRepeatedFloat(WireType wireType, List<float> into)
    {
        if (wireType == WireType.Fixed32)
        {
            into.Add(BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(Take(4))));
            return;
        }

        if (wireType != WireType.LengthDelimited)
        {
            throw Error($"a repeated float field has wire type {(int)wireType}");
        }

        var bytes = ReadBytes().Span;
        if (bytes.Length % 4 != 0)
        {
            throw Error($"a packed float field is {bytes.Length} bytes, not a multiple of 4");
        }

        for (int i = 0; i < bytes.Length; i += 4)
        {
            into.Add(BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i, 4))));
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        var span = buffer.Span;
        if (count > span.Length - position)
        {
            throw Error($"a {count}-byte field at byte {position} runs past the end of the data (the file is truncated)");
        }

        var result = span.Slice(position, count);
        position += count;
        return result;
    }

    private void Advance(int count) => Take(count);

    private readonly CheckpointFormatException Error(string detail) =>
        new($"{what}: {detail}. The file is not a valid protobuf message; re-export or re-copy it.");
}
