namespace T2F.Core.Checkpoints;

/// <summary>
/// Helpers for <see cref="TensorDataType"/>: element sizes and the names other formats use.
/// </summary>
public static class TensorDataTypeExtensions
{
    /// <summary>
    /// The size in bytes of one element of <paramref name="type"/>.
    /// </summary>
    /// <param name="type">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static int ElementSize(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => 4,
        TensorDataType.Float64 => 8,
        TensorDataType.Float16 => 2,
        TensorDataType.BFloat16 => 2,
        TensorDataType.Int64 => 8,
        TensorDataType.Int32 => 4,
        TensorDataType.Int16 => 2,
        TensorDataType.Int8 => 1,
        TensorDataType.UInt8 => 1,
        TensorDataType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown tensor data type."),
    };

    /// <summary>
    /// The safetensors name of <paramref name="type"/> (<c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>F64</c>, <c>I64</c>,
    /// <c>I32</c>, <c>I16</c>, <c>I8</c>, <c>U8</c> or <c>BOOL</c>).
    /// </summary>
    /// <param name="type">The element type.</param>
    /// <returns>The dtype string used in a safetensors header.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static string ToSafeTensorsName(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => "F32",
        TensorDataType.Float64 => "F64",
        TensorDataType.Float16 => "F16",
        TensorDataType.BFloat16 => "BF16",
        TensorDataType.Int64 => "I64",
        TensorDataType.Int32 => "I32",
        TensorDataType.Int16 => "I16",
        TensorDataType.Int8 => "I8",
        TensorDataType.UInt8 => "U8",
        TensorDataType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown tensor data type."),
    };

    /// <summary>
    /// Parses a safetensors dtype string (case-sensitive, as the format defines it).
    /// </summary>
    /// <param name="name">The dtype string from a safetensors header, e.g. <c>F32</c>.</param>
    /// <param name="type">The element type when the name is known.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> is one of the supported dtypes.</returns>
    public static bool TryParseSafeTensorsName(string? name, out TensorDataType type)
    {
        switch (name)
        {
            case "F32": type = TensorDataType.Float32; return true;
            case "F64": type = TensorDataType.Float64; return true;
            case "F16": type = TensorDataType.Float16; return true;
            case "BF16": type = TensorDataType.BFloat16; return true;
            case "I64": type = TensorDataType.Int64; return true;
            case "I32": type = TensorDataType.Int32; return true;
            case "I16": type = TensorDataType.Int16; return true;
            case "I8": type = TensorDataType.Int8; return true;
            case "U8": type = TensorDataType.UInt8; return true;
            case "BOOL": type = TensorDataType.Bool; return true;
            default: type = default; return false;
        }
    }

    /// <summary>
    /// The PyTorch name of <paramref name="type"/>, e.g. <c>torch.float32</c>, for messages.
    /// </summary>
    /// <param name="type">The element type.</param>
    /// <returns>The torch dtype name.</returns>
    public static string ToTorchName(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => "torch.float32",
        TensorDataType.Float64 => "torch.float64",
        TensorDataType.Float16 => "torch.float16",
        TensorDataType.BFloat16 => "torch.bfloat16",
        TensorDataType.Int64 => "torch.int64",
        TensorDataType.Int32 => "torch.int32",
        TensorDataType.Int16 => "torch.int16",
        TensorDataType.Int8 => "torch.int8",
        TensorDataType.UInt8 => "torch.uint8",
        TensorDataType.Bool => "torch.bool",
        _ => type.ToString(),
    };
}
