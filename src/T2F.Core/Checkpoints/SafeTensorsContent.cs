namespace T2F.Core.Checkpoints;

/// <summary>
/// What a safetensors file holds: its tensors by name (in header order) and its string metadata.
/// </summary>
public sealed class SafeTensorsContent
{
    /// <summary>Creates the content.</summary>
    /// <param name="tensors">The tensors by name.</param>
    /// <param name="metadata">The <c>__metadata__</c> entries (empty when the file has none).</param>
    public SafeTensorsContent(IReadOnlyDictionary<string, TensorData> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name, in the order of the file's header.</summary>
    public IReadOnlyDictionary<string, TensorData> Tensors { get; }

    /// <summary>The string → string entries of the header's <c>__metadata__</c>; empty when there are none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
