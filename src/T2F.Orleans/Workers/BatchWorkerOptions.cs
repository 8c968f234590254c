using T2F.Core.Pipeline;

namespace T2F.Orleans.Workers;

/// <summary>How a silo's batch worker runs.</summary>
public sealed record BatchWorkerOptions
{
    /// <summary>
    /// Loads the model, once per silo, when the worker starts (for example <c>TextToFacePipeline.LoadDefault</c> of
    /// T2F.Models.SynthFaces, or a bundle folder). Every silo of a job must load the same model: a face is a pure
    /// function of (model, job seed, id, index).
    /// </summary>
    public required Func<TextToFacePipeline> LoadPipeline { get; init; }

    /// <summary>
    /// Shards the silo generates at once, each with one libtorch thread (default: the machine's cores). One thread per
    /// face keeps a face's bytes independent of the machine, so silos of any size write what a single process writes.
    /// </summary>
    public int ParallelShards { get; init; } = Environment.ProcessorCount;

    /// <summary>How long the worker waits before asking again when no job has free work (default 1 s).</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(1);
}
