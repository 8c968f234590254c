using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Checkpoints;

/// <summary>Copies named tensors into a module's parameters and buffers, checking names and shapes first.</summary>
public static class ModuleStateLoader
{
    /// <summary>
    /// Loads <paramref name="source"/> into <paramref name="module"/>. Nothing is written unless every check passes;
    /// then one <see cref="StateDictMismatchException"/> lists all missing, unexpected and mis-shaped tensors.
    /// Values are cast to the module's dtypes on copy (a float16 or float64 file loads into a float32 model).
    /// </summary>
    /// <param name="module">Target module.</param>
    /// <param name="source">Tensors by state-dict key.</param>
    /// <param name="sourceName">Used in error messages (file name).</param>
    /// <param name="strict">When false, missing and unexpected keys are tolerated (shape mismatches never are).</param>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string sourceName, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        var target = module.state_dict();
        Check(target, source.ToDictionary(p => p.Key, p => p.Value.shape), sourceName, strict);
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in target)
        {
            if (source.TryGetValue(key, out var value))
            {
                tensor.copy_(value);
            }
        }
    }

    /// <summary>
    /// Loads file tensors into <paramref name="module"/> with the same checks as the tensor overload. A tensor whose
    /// dtype matches its contiguous CPU target is copied byte for byte into the target's storage (for a
    /// <see cref="SafeTensorsReader"/> straight from the file), with no intermediate tensor; others are converted.
    /// </summary>
    /// <param name="module">Target module.</param>
    /// <param name="source">File tensors by state-dict key.</param>
    /// <param name="sourceName">Used in error messages (file name).</param>
    /// <param name="strict">When false, missing and unexpected keys are tolerated (shape mismatches never are).</param>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, TensorData> source, string sourceName, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        var target = module.state_dict();
        Check(target, source.ToDictionary(p => p.Key, p => p.Value.Shape), sourceName, strict);
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in target)
        {
            if (!source.TryGetValue(key, out var value))
            {
                continue;
            }

            if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous() && tensor.dtype == value.DType.ToScalarType())
            {
                value.CopyTo(tensor.bytes);
            }
            else
            {
                using var converted = value.ToTensor();
                tensor.copy_(converted);
            }
        }
    }

    private static void Check(Dictionary<string, Tensor> target, Dictionary<string, long[]> sourceShapes, string sourceName, bool strict)
    {
        var missing = target.Keys.Where(k => !sourceShapes.ContainsKey(k)).ToList();
        var unexpected = sourceShapes.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var mismatched = target.Keys.Where(sourceShapes.ContainsKey)
            .Where(k => !target[k].shape.SequenceEqual(sourceShapes[k]))
            .Select(k => $"{k}: model [{string.Join(", ", target[k].shape)}] vs file [{string.Join(", ", sourceShapes[k])}]")
            .ToList();
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw new StateDictMismatchException(sourceName, missing, strict ? unexpected : Array.Empty<string>(), mismatched);
        }
    }
}
