using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace T2F.Core.Checkpoints;

/// <summary>
/// A dense tensor read from (or to be written to) a checkpoint: its shape, element type and raw bytes,
/// contiguous in row-major (C) order and little-endian. It holds no native memory.
/// </summary>
public sealed class TensorData
{
    /// <summary>
    /// Creates a tensor from its shape, element type and raw bytes.
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The size of every dimension (none for a scalar); copied.</param>
    /// <param name="data">The elements, contiguous, row-major, little-endian; kept (not copied).</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> or <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">A dimension is negative, the element count overflows, or
    /// <paramref name="data"/> is not exactly element count × element size bytes long.</exception>
    public TensorData(TensorDataType dtype, long[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        int elementSize = dtype.ElementSize();
        long count = CountElements(shape);
        long expected;
        try
        {
            expected = checked(count * elementSize);
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"A tensor of shape {FormatShape(shape)} is too large.", nameof(shape));
        }

        if (data.LongLength != expected)
        {
            throw new ArgumentException(
                $"A {dtype} tensor of shape {FormatShape(shape)} needs {expected} bytes ({count} elements × {elementSize} bytes), but {data.LongLength} bytes were given.",
                nameof(data));
        }

        DType = dtype;
        Shape = (long[])shape.Clone();
        this.data = data;
        ElementCount = count;
    }

    // A tensor whose bytes stay in an open file until they are needed (SafeTensorsFile.Open): loading a model copies
    // them straight into its parameters, without a managed array in between (each fresh 100 MB costs ~0.3 s of page
    // faults on a VM).
    internal TensorData(TensorDataType dtype, long[] shape, FileSegment segment)
    {
        DType = dtype;
        Shape = (long[])shape.Clone();
        ElementCount = CountElements(shape);
        this.segment = segment;
    }

    private byte[]? data;
    private readonly FileSegment? segment;

    /// <summary>The size of every dimension; empty for a scalar.</summary>
    public long[] Shape { get; }

    /// <summary>The element type.</summary>
    public TensorDataType DType { get; }

    /// <summary>
    /// The elements: contiguous, row-major, little-endian, exactly <see cref="ElementCount"/> × element size bytes.
    /// For a tensor of an open <see cref="SafeTensorsReader"/> the bytes are read from the file on first access.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The tensor came from a <see cref="SafeTensorsReader"/> that is disposed, and its bytes were never read.</exception>
    public byte[] Data
    {
        get
        {
            if (this.data is { } data)
            {
                return data;
            }

            var read = new byte[this.segment!.Length];
            this.segment.ReadInto(read);
            return Interlocked.CompareExchange(ref this.data, read, null) ?? read;
        }
    }

    /// <summary>
    /// Copies the elements into <paramref name="destination"/> (exactly <see cref="ElementCount"/> × element size bytes)
    /// without keeping a copy: a tensor of an open <see cref="SafeTensorsReader"/> is read from the file straight
    /// into it.
    /// </summary>
    /// <param name="destination">Where the bytes go, e.g. a parameter's storage.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not exactly the tensor's size in bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        long size = ElementCount * ElementSize;
        if (destination.Length != size)
        {
            throw new ArgumentException($"A {this} tensor has {size} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        if (this.data is { } data)
        {
            data.CopyTo(destination);
        }
        else
        {
            this.segment!.ReadInto(destination);
        }
    }

    /// <summary>The number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The size in bytes of one element.</summary>
    public int ElementSize => DType.ElementSize();

    /// <summary>
    /// Creates a <see cref="TensorDataType.Float32"/> tensor from values in row-major order.
    /// </summary>
    /// <param name="values">The elements; copied.</param>
    /// <param name="shape">The shape; its element count must equal <paramref name="values"/>.Length.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>.Length elements.</exception>
    public static TensorData FromFloats(float[] values, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        long count = CountElements(shape);
        if (count != values.LongLength)
        {
            throw new ArgumentException(
                $"Shape {FormatShape(shape)} holds {count} elements, but {values.LongLength} values were given.", nameof(shape));
        }

        var bytes = new byte[checked(values.LongLength * sizeof(float))];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(bytes);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }
        }

        return new TensorData(TensorDataType.Float32, shape, bytes);
    }

    /// <summary>
    /// Converts every element to <see cref="float"/>, in row-major order. Half and bfloat16 are widened exactly;
    /// float64 and 64-bit integers are rounded to the nearest float; bool becomes 0 or 1.
    /// </summary>
    /// <returns>A new array of <see cref="ElementCount"/> floats.</returns>
    /// <exception cref="NotSupportedException">The tensor has more elements than a .NET array can hold.</exception>
    public float[] ToFloatArray()
    {
        if (ElementCount > Array.MaxLength)
        {
            throw new NotSupportedException($"A tensor of {ElementCount} elements does not fit in a float[].");
        }

        int n = (int)ElementCount;
        var result = new float[n];
        ReadOnlySpan<byte> src = Data;
        switch (DType)
        {
            case TensorDataType.Float32:
                if (BitConverter.IsLittleEndian)
                {
                    src.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        result[i] = BinaryPrimitives.ReadSingleLittleEndian(src.Slice(i * 4));
                    }
                }

                break;
            case TensorDataType.Float64:
                for (int i = 0; i < n; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src.Slice(i * 8));
                }

                break;
            case TensorDataType.Float16:
                for (int i = 0; i < n; i++)
                {
                    result[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(i * 2)));
                }

                break;
            case TensorDataType.BFloat16:
                for (int i = 0; i < n; i++)
                {
                    result[i] = BFloat16BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(i * 2)));
                }

                break;
            case TensorDataType.Int64:
                for (int i = 0; i < n; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt64LittleEndian(src.Slice(i * 8));
                }

                break;
            case TensorDataType.Int32:
                for (int i = 0; i < n; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt32LittleEndian(src.Slice(i * 4));
                }

                break;
            case TensorDataType.Int16:
                for (int i = 0; i < n; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt16LittleEndian(src.Slice(i * 2));
                }

                break;
            case TensorDataType.Int8:
                for (int i = 0; i < n; i++)
                {
                    result[i] = (sbyte)src[i];
                }

                break;
            case TensorDataType.UInt8:
                for (int i = 0; i < n; i++)
                {
                    result[i] = src[i];
                }

                break;
            case TensorDataType.Bool:
                for (int i = 0; i < n; i++)
                {
                    result[i] = src[i] != 0 ? 1f : 0f;
                }

                break;
            default:
                throw new NotSupportedException($"Unknown tensor data type {DType}.");
        }

        return result;
    }

    /// <summary>
    /// Converts a bfloat16 bit pattern to <see cref="float"/> (exact: bfloat16 is the upper half of a float32).
    /// </summary>
    /// <param name="bits">The 16 bits of the bfloat16 value.</param>
    /// <returns>The value as a float.</returns>
    public static float BFloat16BitsToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>
    /// Converts a <see cref="float"/> to the nearest bfloat16 bit pattern (round to nearest even; NaN stays NaN).
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The 16 bits of the bfloat16 value.</returns>
    public static ushort SingleToBFloat16Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        uint rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>
    /// A short description such as <c>Float32[64, 3, 3]</c>.
    /// </summary>
    /// <returns>The element type and shape.</returns>
    public override string ToString() => $"{DType}{FormatShape(Shape)}";

    /// <summary>
    /// Formats a shape as <c>[a, b, c]</c>.
    /// </summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The shape in brackets.</returns>
    public static string FormatShape(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
    }

    private static long CountElements(long[] shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape {FormatShape(shape)} has a negative dimension.", nameof(shape));
            }

            try
            {
                count = checked(count * d);
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"Shape {FormatShape(shape)} has too many elements.", nameof(shape));
            }
        }

        return count;
    }
}
