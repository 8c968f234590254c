namespace T2F.Core.Data;

/// <summary>Options of <see cref="FaceDataLoader"/>.</summary>
public sealed record FaceLoaderOptions
{
    /// <summary>Faces per batch (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Shuffle each epoch (default true); the order is fixed by (<see cref="Seed"/>, epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the order and the flips.</summary>
    public long Seed { get; init; }

    /// <summary>Mirror each face with probability 1/2, fixed by (seed, epoch, index) (default false).</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Drop the last, smaller batch (default false).</summary>
    public bool DropLast { get; init; }

    /// <summary>Batches decoded ahead of the consumer (default 2; 0 decodes on demand).</summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>Decoding threads; 0 (default) uses <see cref="Environment.ProcessorCount"/>.</summary>
    public int Workers { get; init; }
}
