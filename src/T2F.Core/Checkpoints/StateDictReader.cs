using System.Collections.ObjectModel;
using System.Globalization;

namespace T2F.Core.Checkpoints;

/// <summary>
/// Helpers that turn the object tree of <see cref="PyTorchCheckpoint.Load(string)"/> into state dicts
/// (ordered name → tensor maps), with errors that say what was found instead.
/// </summary>
public static class StateDictReader
{
    /// <summary>
    /// Converts a dict of string keys and tensor values (a PyTorch state_dict) into an ordered, read-only
    /// name → tensor dictionary, in the checkpoint's order.
    /// </summary>
    /// <param name="node">The node, normally a <see cref="PickleDict"/>.</param>
    /// <param name="what">What the node is, for messages, e.g. <c>checkpoint.pt["g_ema"]</c>.</param>
    /// <returns>The tensors by name.</returns>
    /// <exception cref="CheckpointFormatException">The node is not a dict, or has keys that are not strings or
    /// values that are not tensors (all of them are listed).</exception>
    public static IReadOnlyDictionary<string, TensorData> ToStateDict(object? node, string what)
    {
        ArgumentNullException.ThrowIfNull(what);
        if (node is not PickleDict dict)
        {
            throw new CheckpointFormatException(NotADictMessage(node, what));
        }

        var result = new OrderedDictionary<string, TensorData>(dict.Count, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (KeyValuePair<object, object?> kv in dict)
        {
            if (kv.Key is not string name)
            {
                problems.Add($"key {PickleFormatting.Describe(kv.Key)} is {PickleFormatting.TypeName(kv.Key)}, not a string");
            }
            else if (kv.Value is not TensorData tensor)
            {
                problems.Add($"'{name}' is {PickleFormatting.TypeName(kv.Value)}, not a tensor");
            }
            else
            {
                result.Add(name, tensor);
            }
        }

        if (problems.Count > 0)
        {
            const int shown = 20;
            string list = string.Join("; ", problems.Take(shown)) + (problems.Count > shown ? $"; ... {problems.Count - shown} more" : string.Empty);
            throw new CheckpointFormatException(
                $"{what} is not a state_dict of tensors: {problems.Count} of its {dict.Count} entries are not string → tensor ({list}). " +
                "Pick the entry that holds the model's state_dict, or re-save it with torch.save(model.state_dict(), path).");
        }

        return new ReadOnlyDictionary<string, TensorData>(result);
    }

    /// <summary>
    /// Gets the entry <paramref name="key"/> of a dict node, e.g. <c>root["g_ema"]</c> of a train.py checkpoint.
    /// </summary>
    /// <param name="node">The node, normally a <see cref="PickleDict"/>.</param>
    /// <param name="key">The key.</param>
    /// <param name="what">What the node is, for messages, e.g. the file name.</param>
    /// <returns>The value (may be <see langword="null"/> for a stored None).</returns>
    /// <exception cref="CheckpointFormatException">The node is not a dict, or has no such key (the message lists the keys it has).</exception>
    public static object? GetEntry(object? node, string key, string what)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(what);
        if (node is not PickleDict dict)
        {
            throw new CheckpointFormatException(NotADictMessage(node, what));
        }

        if (!dict.TryGetValue(key, out object? value))
        {
            throw new CheckpointFormatException(
                $"{what} has no entry '{key}'; its keys are {PickleFormatting.DescribeKeys(dict)}. Check that the file is the kind of checkpoint expected here.");
        }

        return value;
    }

    /// <summary>
    /// Gets the entry <paramref name="key"/> of a dict node when present.
    /// </summary>
    /// <param name="node">The node; anything but a <see cref="PickleDict"/> has no entries.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when present.</param>
    /// <returns><see langword="true"/> when <paramref name="node"/> is a dict holding <paramref name="key"/>.</returns>
    public static bool TryGetEntry(object? node, string key, out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (node is PickleDict dict && dict.TryGetValue(key, out value))
        {
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Gets the state dict stored under <paramref name="key"/>, e.g. <c>GetStateDict(root, "g_ema", path)</c>.
    /// </summary>
    /// <param name="node">The node holding it, normally the checkpoint's root <see cref="PickleDict"/>.</param>
    /// <param name="key">The key.</param>
    /// <param name="what">What the node is, for messages, e.g. the file name.</param>
    /// <returns>The tensors by name, in the checkpoint's order.</returns>
    /// <exception cref="CheckpointFormatException">The key is missing or its value is not a state dict of tensors.</exception>
    public static IReadOnlyDictionary<string, TensorData> GetStateDict(object? node, string key, string what)
    {
        object? entry = GetEntry(node, key, what);
        return ToStateDict(entry, string.Create(CultureInfo.InvariantCulture, $"{what}[\"{key}\"]"));
    }

    /// <summary>
    /// Gets a tensor stored under <paramref name="key"/>, e.g. <c>latent_avg</c> of a converted StyleGAN2 checkpoint.
    /// </summary>
    /// <param name="node">The dict node holding it.</param>
    /// <param name="key">The key.</param>
    /// <param name="what">What the node is, for messages.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="CheckpointFormatException">The key is missing or its value is not a tensor.</exception>
    public static TensorData GetTensor(object? node, string key, string what)
    {
        object? entry = GetEntry(node, key, what);
        return entry as TensorData ?? throw new CheckpointFormatException(
            $"{what}[\"{key}\"] is {PickleFormatting.TypeName(entry)}, expected a tensor.");
    }

    private static string NotADictMessage(object? node, string what)
    {
        string found = PickleFormatting.TypeName(node);
        if (node is PickledObject obj)
        {
            return $"{what} is a pickled object of class {obj.FullName}, not a dict. If a whole model was saved with torch.save(model, path), " +
                   "re-save only its weights with torch.save(model.state_dict(), path).";
        }

        return $"{what} is {found} ({PickleFormatting.Describe(node)}), expected a dict.";
    }
}
