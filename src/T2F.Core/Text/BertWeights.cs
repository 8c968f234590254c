using System.Collections.ObjectModel;
using T2F.Core.Checkpoints;
using TorchSharp;

namespace T2F.Core.Text;

/// <summary>
/// Reads BERT weights from the files people have and gives them Hugging Face <c>BertModel</c> names (no
/// <c>bert.</c> prefix): Hugging Face <c>model.safetensors</c> / <c>pytorch_model.bin</c>, and ONNX exports.
/// </summary>
public static class BertWeights
{
    private const string BertPrefix = "bert.";

    /// <summary>
    /// Reads a Hugging Face weights file: <c>.safetensors</c>, or a <c>torch.save</c> state dict
    /// (<c>pytorch_model.bin</c>, read with the safe unpickler, nothing executed), and normalises the names with
    /// <see cref="ToBertModelNames"/>.
    /// </summary>
    /// <param name="path">The weights file.</param>
    /// <returns>Tensors by <c>BertModel</c> name.</returns>
    /// <exception cref="CheckpointFormatException">The file cannot be read as a state dict.</exception>
    public static IReadOnlyDictionary<string, TensorData> ReadHuggingFace(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IReadOnlyDictionary<string, TensorData> raw = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? SafeTensorsFile.Read(path).Tensors
            : StateDictReader.ToStateDict(PyTorchCheckpoint.Load(path), Path.GetFileName(path));
        return ToBertModelNames(raw);
    }

    /// <summary>
    /// Normalises a Hugging Face state dict to <c>BertModel</c> names: strips the <c>bert.</c> prefix that
    /// <c>BertFor*</c> heads add, drops the pre-training and task heads (<c>cls.*</c>, and <c>classifier.*</c> /
    /// <c>qa_outputs.*</c> when the rest is prefixed) and the <c>embeddings.position_ids</c> buffer older
    /// transformers saved, and renames TensorFlow-era <c>LayerNorm.gamma/beta</c> to <c>weight/bias</c>. Any other
    /// name is kept, so that loading reports it as unexpected.
    /// </summary>
    /// <param name="stateDict">Tensors by checkpoint key.</param>
    /// <returns>Tensors by <c>BertModel</c> name, in the original order.</returns>
    public static IReadOnlyDictionary<string, TensorData> ToBertModelNames(IReadOnlyDictionary<string, TensorData> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        bool prefixed = stateDict.Keys.Any(k => k.StartsWith(BertPrefix, StringComparison.Ordinal));
        var result = new OrderedDictionary<string, TensorData>(stateDict.Count, StringComparer.Ordinal);
        foreach (var (key, value) in stateDict)
        {
            string name = key;
            if (prefixed)
            {
                if (name.StartsWith(BertPrefix, StringComparison.Ordinal))
                {
                    name = name[BertPrefix.Length..];
                }
                else if (name.StartsWith("cls.", StringComparison.Ordinal) || name.StartsWith("classifier.", StringComparison.Ordinal) || name.StartsWith("qa_outputs.", StringComparison.Ordinal))
                {
                    continue;   // a BertFor* head on top of the encoder
                }
            }
            else if (name.StartsWith("cls.", StringComparison.Ordinal))
            {
                continue;
            }

            if (name == "embeddings.position_ids")
            {
                continue;   // a constant buffer (arange), not a weight
            }

            if (name.EndsWith("LayerNorm.gamma", StringComparison.Ordinal))
            {
                name = name[..^"gamma".Length] + "weight";
            }
            else if (name.EndsWith("LayerNorm.beta", StringComparison.Ordinal))
            {
                name = name[..^"beta".Length] + "bias";
            }

            result[name] = value;
        }

        return new ReadOnlyDictionary<string, TensorData>(result);
    }

    /// <summary>
    /// Recovers Hugging Face names from a BERT exported to ONNX by <c>torch.onnx.export</c>. Initializers that kept
    /// their names (embeddings, biases, LayerNorms, pooler) keep them. Linear weights that the exporter renamed to
    /// numbers and stored transposed (<c>[in, out]</c>, the right operand of a <c>MatMul</c>) are named by following
    /// the <c>MatMul</c> to the single <c>Add</c> that adds a named <c>*.bias</c>: the weight is that name with
    /// <c>.weight</c>, transposed back to <c>[out, in]</c>. Non-float initializers (shape constants,
    /// <c>position_ids</c>) are dropped; float ones that cannot be named keep their ONNX names, so loading reports them.
    /// </summary>
    /// <param name="model">The ONNX model.</param>
    /// <returns>Tensors by <c>BertModel</c> name.</returns>
    /// <exception cref="CheckpointFormatException">Two weights map to one name.</exception>
    public static IReadOnlyDictionary<string, TensorData> FromOnnx(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        // MatMul(x, W) -> Add(., b) with b named "*.bias": W is "*.weight", stored [in, out].
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
        {
            if (node.OpType != "MatMul" || node.Inputs.Count != 2 || node.Outputs.Count != 1
                || !model.Initializers.TryGetValue(node.Inputs[1], out var w) || w.Rank != 2
                || !consumers.TryGetValue(node.Outputs[0], out var next) || next.Count != 1 || next[0].OpType != "Add")
            {
                continue;
            }

            string? bias = next[0].Inputs.FirstOrDefault(i => i != node.Outputs[0] && i.EndsWith(".bias", StringComparison.Ordinal) && model.Initializers.ContainsKey(i));
            if (bias is not null)
            {
                renamed[node.Inputs[1]] = bias[..^".bias".Length] + ".weight";
            }
        }

        var result = new OrderedDictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.Initializers)
        {
            if (renamed.TryGetValue(name, out var hfName))
            {
                if (!result.TryAdd(hfName, Transpose(tensor)))
                {
                    throw new CheckpointFormatException($"ONNX model: two weights map to '{hfName}'; the graph is not a plain BERT export.");
                }
            }
            else if (tensor.DType is TensorDataType.Float32 or TensorDataType.Float16 or TensorDataType.BFloat16 or TensorDataType.Float64)
            {
                if (!result.TryAdd(name, tensor))
                {
                    throw new CheckpointFormatException($"ONNX model: two weights map to '{name}'; the graph is not a plain BERT export.");
                }
            }
        }

        return new ReadOnlyDictionary<string, TensorData>(result);
    }

    private static TensorData Transpose(TensorData tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.ToTensor().t().contiguous().ToTensorData();
    }
}
