namespace T2F.Core.Checkpoints;

/// <summary>
/// A PyTorch storage named by a checkpoint's persistent id: its element type, declared element count and bytes.
/// The bytes are loaded once, on first use, and shared by every tensor that views the storage. A legacy-format
/// view storage points into its root storage.
/// </summary>
internal sealed class TorchStorage
{
    private readonly Func<byte[]>? loader;
    private readonly TorchStorage? root;
    private readonly long viewElementOffset;
    private byte[]? data;
    private bool handedOut;

    /// <summary>A root storage whose bytes come from <paramref name="loader"/> (null: set later with <see cref="SetData"/>).</summary>
    public TorchStorage(TensorDataType dtype, string key, long numel, string sourceName, string description, Func<byte[]>? loader)
    {
        SourceName = sourceName;
        DType = dtype;
        Key = key;
        Numel = numel;
        Description = description;
        this.loader = loader;
    }

    /// <summary>A view of <paramref name="root"/>: <paramref name="numel"/> elements from <paramref name="elementOffset"/>.</summary>
    public TorchStorage(TorchStorage root, string key, long elementOffset, long numel, string description)
    {
        SourceName = root.SourceName;
        this.root = root;
        DType = root.DType;
        Key = key;
        Numel = numel;
        Description = description;
        viewElementOffset = elementOffset;
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
    public bool IsAvailable => this.root?.IsAvailable ?? (this.data is not null || this.loader is not null);

    public void SetData(byte[] data) => this.data = data;

    /// <summary>
    /// The storage's bytes (exactly <see cref="Numel"/> × element size) as a segment of a (possibly larger) array.
    /// </summary>
    public ArraySegment<byte> GetBytes()
    {
        int es = DType.ElementSize();
        if (this.root is not null)
        {
            ArraySegment<byte> rootBytes = this.root.GetBytes();
            long start = viewElementOffset * es;
            long length = Numel * es;
            if (viewElementOffset < 0 || Numel < 0 || start + length > rootBytes.Count)
            {
                throw new CheckpointFormatException(
                    $"{SourceName}: storage view {Description} covers elements {viewElementOffset}..{viewElementOffset + Numel} of a storage of {rootBytes.Count / es} elements: the checkpoint is corrupt.");
            }

            return rootBytes.Slice((int)start, (int)length);
        }

        if (this.data is null)
        {
            if (this.loader is null)
            {
                throw new CheckpointFormatException($"{SourceName}: storage {Description} has no data: the checkpoint is corrupt.");
            }

            this.data = this.loader();
        }

        long needed = Numel * es;
        if (this.data.LongLength < needed)
        {
            throw new CheckpointFormatException(
                $"{SourceName}: storage {Description} holds {this.data.LongLength} bytes, but the checkpoint's pickle declares {Numel} {DType.ToTorchName()} elements ({needed} bytes): the file is truncated or corrupt: re-download or re-copy it.");
        }

        return new ArraySegment<byte>(this.data, 0, (int)needed);
    }

    /// <summary>
    /// Gives away the whole backing array when it is exactly this root storage's bytes and nobody took it before.
    /// Safe because every other tensor over the storage copies its bytes while the checkpoint loads, before the
    /// caller can modify anything.
    /// </summary>
    public byte[]? TryTakeWholeArray()
    {
        if (this.root is not null || handedOut || this.data is null || this.data.LongLength != Numel * DType.ElementSize())
        {
            return null;
        }

        handedOut = true;
        return this.data;
    }
}
