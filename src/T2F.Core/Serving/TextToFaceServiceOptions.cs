namespace T2F.Core.Serving;

/// <summary>Limits of a <see cref="TextToFaceService"/>.</summary>
public sealed record TextToFaceServiceOptions
{
    /// <summary>
    /// Generations that run at once (default 1). On a CPU each generation already uses every libtorch thread, so more
    /// than one mainly adds latency; on a GPU 2-4 keeps it busy.
    /// </summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>Requests that may wait for a free slot (default 32); one more is refused with <see cref="ServiceBusyException"/>.</summary>
    public int MaxQueueLength { get; init; } = 32;

    /// <summary>Faces one request may ask for (default 16): the pipeline's own limit is larger, a service's should not be.</summary>
    public int MaxFacesPerRequest { get; init; } = 16;

    internal void Validate()
    {
        if (MaxConcurrency < 1 || MaxConcurrency > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "MaxConcurrency must be 1 to 64.");
        }

        if (MaxQueueLength < 0 || MaxQueueLength > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueueLength), MaxQueueLength, "MaxQueueLength must be 0 to 100,000.");
        }

        if (MaxFacesPerRequest < 1 || MaxFacesPerRequest > Pipeline.TextToFacePipeline.MaxFacesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFacesPerRequest), MaxFacesPerRequest, $"MaxFacesPerRequest must be 1 to {Pipeline.TextToFacePipeline.MaxFacesPerCall}.");
        }
    }
}
