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

    /// <summary>
    /// Faces rendered together (default 1: off). Above 1, <see cref="TextToFaceService.GenerateAsync"/> requests that
    /// wait together are rendered in one synthesis call of exactly this many faces (padded when fewer wait), which on a
    /// CPU costs much less per face than one call per request (docs/benchmarks/serving.md). Each request's bytes stay
    /// the same whoever shares its batch; they may differ in the last float bits (rarely in a PNG pixel) from a direct
    /// pipeline call, whose batch shape is the request's own. Needs the built-in StyleGan2Model generator. Edit,
    /// interpolate and mix requests are not batched.
    /// </summary>
    public int MaxBatchFaces { get; init; } = 1;

    /// <summary>
    /// How long a batch that is not full waits for more requests once a slot is free (default 2 ms; 0: take only
    /// what is already waiting). A request never waits for a batch while a slot is idle longer than this.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    internal void Validate()
    {
        if (MaxBatchFaces < 1 || MaxBatchFaces > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchFaces), MaxBatchFaces, "MaxBatchFaces must be 1 (no batching) to 64.");
        }

        if (MaxBatchDelay < TimeSpan.Zero || MaxBatchDelay > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchDelay), MaxBatchDelay, "MaxBatchDelay must be 0 to 1 second.");
        }

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
