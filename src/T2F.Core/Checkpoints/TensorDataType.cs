namespace T2F.Core.Checkpoints;

/// <summary>
/// The element type of a <see cref="TensorData"/>. Every type is stored little-endian.
/// </summary>
public enum TensorDataType
{
    /// <summary>IEEE 754 single precision (4 bytes); torch.float32, safetensors <c>F32</c>.</summary>
    Float32,

    /// <summary>IEEE 754 double precision (8 bytes); torch.float64, safetensors <c>F64</c>.</summary>
    Float64,

    /// <summary>IEEE 754 half precision (2 bytes); torch.float16, safetensors <c>F16</c>.</summary>
    Float16,

    /// <summary>bfloat16 (2 bytes, the upper half of a float32); torch.bfloat16, safetensors <c>BF16</c>.</summary>
    BFloat16,

    /// <summary>Signed 64-bit integer (8 bytes); torch.int64, safetensors <c>I64</c>.</summary>
    Int64,

    /// <summary>Signed 32-bit integer (4 bytes); torch.int32, safetensors <c>I32</c>.</summary>
    Int32,

    /// <summary>Signed 16-bit integer (2 bytes); torch.int16, safetensors <c>I16</c>.</summary>
    Int16,

    /// <summary>Signed 8-bit integer (1 byte); torch.int8, safetensors <c>I8</c>.</summary>
    Int8,

    /// <summary>Unsigned 8-bit integer (1 byte); torch.uint8, safetensors <c>U8</c>.</summary>
    UInt8,

    /// <summary>Boolean stored as one byte, 0 or 1; torch.bool, safetensors <c>BOOL</c>.</summary>
    Bool,
}
