using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Checkpoints;

/// <summary>Conversions between <see cref="TensorData"/> (file contents) and TorchSharp tensors.</summary>
public static class TensorDataTorchExtensions
{
    /// <summary>Creates a CPU tensor holding a copy of the data, in its own dtype (float16/bfloat16/bool included).</summary>
    /// <param name="data">The file tensor.</param>
    public static Tensor ToTensor(this TensorData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var tensor = torch.empty(data.Shape, data.DType.ToScalarType());
        data.CopyTo(tensor.bytes);
        return tensor;
    }

    /// <summary>The TorchSharp element type of a file element type.</summary>
    /// <param name="type">The file element type.</param>
    /// <exception cref="NotSupportedException">TorchSharp has no such type.</exception>
    public static ScalarType ToScalarType(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => ScalarType.Float32,
        TensorDataType.Float64 => ScalarType.Float64,
        TensorDataType.Float16 => ScalarType.Float16,
        TensorDataType.BFloat16 => ScalarType.BFloat16,
        TensorDataType.Int64 => ScalarType.Int64,
        TensorDataType.Int32 => ScalarType.Int32,
        TensorDataType.Int16 => ScalarType.Int16,
        TensorDataType.Int8 => ScalarType.Int8,
        TensorDataType.UInt8 => ScalarType.Byte,
        TensorDataType.Bool => ScalarType.Bool,
        _ => throw new NotSupportedException($"Tensor type {type} has no TorchSharp equivalent."),
    };

    /// <summary>Copies a tensor (any device, any layout) into a <see cref="TensorData"/>.</summary>
    /// <param name="tensor">The tensor.</param>
    public static TensorData ToTensorData(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var type = tensor.dtype switch
        {
            ScalarType.Float32 => TensorDataType.Float32,
            ScalarType.Float64 => TensorDataType.Float64,
            ScalarType.Float16 => TensorDataType.Float16,
            ScalarType.BFloat16 => TensorDataType.BFloat16,
            ScalarType.Int64 => TensorDataType.Int64,
            ScalarType.Int32 => TensorDataType.Int32,
            ScalarType.Int16 => TensorDataType.Int16,
            ScalarType.Int8 => TensorDataType.Int8,
            ScalarType.Byte => TensorDataType.UInt8,
            ScalarType.Bool => TensorDataType.Bool,
            _ => throw new NotSupportedException($"Tensor type {tensor.dtype} cannot be stored."),
        };
        using var cpu = tensor.detach().cpu().contiguous();
        return new TensorData(type, cpu.shape.ToArray(), cpu.bytes.ToArray());
    }

    /// <summary>Converts a whole state dict.</summary>
    /// <param name="stateDict">Tensors by key.</param>
    public static Dictionary<string, Tensor> ToTensors(this IReadOnlyDictionary<string, TensorData> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var result = new Dictionary<string, Tensor>(stateDict.Count);
        foreach (var (key, value) in stateDict)
        {
            result[key] = value.ToTensor();
        }

        return result;
    }
}
