using System.Collections.ObjectModel;
using Microsoft.Win32.SafeHandles;

namespace T2F.Core.Checkpoints;

/// <summary>
/// An open safetensors file (<see cref="SafeTensorsFile.Open"/>) whose tensors read their bytes from the file when
/// first used. The file stays open, and replacing or deleting it does not change what is read, until disposal;
/// tensors whose bytes were read stay usable after it, the others throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class SafeTensorsReader : IDisposable
{
    private readonly SafeFileHandle handle;

    internal SafeTensorsReader(string path, SafeFileHandle handle, IEnumerable<(string Name, TensorDataType DType, long[] Shape, long Offset, long Length)> entries, IDictionary<string, string> metadata)
    {
        Path = path;
        this.handle = handle;
        var tensors = new OrderedDictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            tensors.Add(e.Name, new TensorData(e.DType, e.Shape, new FileSegment(this, e.Offset, e.Length)));
        }

        Content = new SafeTensorsContent(new ReadOnlyDictionary<string, TensorData>(tensors), new ReadOnlyDictionary<string, string>(metadata));
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The tensors by name (in header order) and the metadata.</summary>
    public SafeTensorsContent Content { get; }

    internal SafeFileHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(this.handle.IsClosed, this);
            return this.handle;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => this.handle.Dispose();
}
