namespace T2F.Core.Checkpoints;

/// <summary>
/// A PyTorch storage named by a checkpoint's persistent id: its element type, declared element count and bytes.
/// The bytes are loaded once, on first use, and shared by every tensor that views the storage. A legacy-format
/// view storage points into its root storage.
/// </summary>
internal sealed class TorchStorage
{
    private readonly Func<byte[]>? _loader;
    private readonly TorchStorage? _root;
    private readonly long _viewElementOffset;
    private byte[]? _data;
    private bool _handedOut;

    /// <summary>A root storage whose bytes come from <paramref name="loader"/> (null: set later with <see cref="SetData"/>).</summary>
    public TorchStorage(TensorDataType dtype, string key, long numel, string sourceName, string description, Func<byte[]>? loader)
    {
        SourceName = sourceName;
        DType = dtype;
        Key = key;
        Numel = numel;
        Description = description;
        _loader = loader;
    }

    /// <summary>A view of <paramref name="root"/>: <paramref name="numel"/> elements from <paramref name="elementOffset"/>.</summary>
    public TorchStorage(TorchStorage root, string key, long elementOffset, long numel, string description)
    {
        SourceName = root.SourceName;
        _root = root;
        DType = root.DType;
        Key = key;
        Numel = numel;
        Description = description;
        _viewElementOffset = elementOffset;
    }

    public TensorDataType DType { get; }

    public string Key { get; }

    /// <summary>The checkpoint file, for messages.</summary>
    public string SourceName { get; }

    /// <summary>The element count the persistent id declared.</summary>
    public long Numel { get; }

    /// <summary>Where the bytes live, for messages, e.g. <c>'archive/data/3' in model.pt</c>.</summary>
    public string Description { get; }

    /// <summary>Whether the bytes are available (a legacy-format storage has none until the file's tail is read).</summary>
    public bool IsAvailable => _root?.IsAvailable ?? (_data is not null || _loader is not null);

    public void SetData(byte[] data) => _data = data;

    /// <summary>
    /// The storage's bytes (exactly <see cref="Numel"/> × element size) as a segment of a (possibly larger) array.
    /// </summary>
    public ArraySegment<byte> GetBytes()
    {
        int es = DType.ElementSize();
        if (_root is not null)
        {
            ArraySegment<byte> rootBytes = _root.GetBytes();
            long start = _viewElementOffset * es;
            long length = Numel * es;
            if (_viewElementOffset < 0 || Numel < 0 || start + length > rootBytes.Count)
            {
                throw new CheckpointFormatException(
                    $"{SourceName}: storage view {Description} covers elements {_viewElementOffset}..{_viewElementOffset + Numel} of a storage of {rootBytes.Count / es} elements: the checkpoint is corrupt.");
            }

            return rootBytes.Slice((int)start, (int)length);
        }

        if (_data is null)
        {
            if (_loader is null)
            {
                throw new CheckpointFormatException($"{SourceName}: storage {Description} has no data: the checkpoint is corrupt.");
            }

            _data = _loader();
        }

        long needed = Numel * es;
        if (_data.LongLength < needed)
        {
            throw new CheckpointFormatException(
                $"{SourceName}: storage {Description} holds {_data.LongLength} bytes, but the checkpoint's pickle declares {Numel} {DType.ToTorchName()} elements ({needed} bytes): the file is truncated or corrupt: re-download or re-copy it.");
        }

        return new ArraySegment<byte>(_data, 0, (int)needed);
    }

    /// <summary>
    /// Gives away the whole backing array when it is exactly this root storage's bytes and nobody took it before.
    /// Safe because every other tensor over the storage copies its bytes while the checkpoint loads, before the
    /// caller can modify anything.
    /// </summary>
    public byte[]? TryTakeWholeArray()
    {
        if (_root is not null || _handedOut || _data is null || _data.LongLength != Numel * DType.ElementSize())
        {
            return null;
        }

        _handedOut = true;
        return _data;
    }
}
