using System.Diagnostics;
using T2F.Core.Pipeline;

namespace T2F.Core.Serving;

/// <summary>
/// Serves one <see cref="TextToFacePipeline"/> to many callers (a web service's requests): at most
/// <see cref="TextToFaceServiceOptions.MaxConcurrency"/> generations run at once, at most
/// <see cref="TextToFaceServiceOptions.MaxQueueLength"/> wait, and any further request fails at once with
/// <see cref="ServiceBusyException"/> instead of growing a queue without limit. A waiting request honours its
/// <see cref="CancellationToken"/>; a running one finishes its forward pass first (libtorch cannot stop one midway) and
/// its faces are then disposed. Results are the bytes a direct pipeline call gives. Requests are not batched together:
/// on this project's CPUs a batch of 8 cost as much or more per image than 8 single images (docs/benchmarks/generator-routes-256.md), and single
/// requests keep every result independent of its neighbours.
/// </summary>
public sealed class TextToFaceService : IDisposable
{
    private readonly TextToFacePipeline _pipeline;
    private readonly bool _ownsPipeline;
    private readonly SemaphoreSlim _slots;
    private readonly TextToFaceServiceOptions _options;
    private int _admitted;
    private long _completed;
    private long _totalTicks;
    private volatile bool _disposed;

    /// <summary>Serves <paramref name="pipeline"/> with the given limits.</summary>
    /// <param name="pipeline">The pipeline (thread-safe for generation).</param>
    /// <param name="options">Limits; null for the defaults.</param>
    /// <param name="ownsPipeline">Dispose the pipeline with the service.</param>
    public TextToFaceService(TextToFacePipeline pipeline, TextToFaceServiceOptions? options = null, bool ownsPipeline = false)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _options = options ?? new TextToFaceServiceOptions();
        _options.Validate();
        _pipeline = pipeline;
        _ownsPipeline = ownsPipeline;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
    }

    /// <summary>Requests running or waiting now.</summary>
    public int Pending => Volatile.Read(ref _admitted);

    /// <summary>Generates faces for one description as soon as a slot is free.</summary>
    /// <param name="description">The face description.</param>
    /// <param name="options">Seed, faces (at most <see cref="TextToFaceServiceOptions.MaxFacesPerRequest"/>), truncation.</param>
    /// <param name="cancellationToken">Cancels the wait for a slot (and discards the result of a running generation).</param>
    /// <returns>The faces; the caller disposes them.</returns>
    /// <exception cref="ServiceBusyException">The queue is full.</exception>
    /// <exception cref="ArgumentException">The description or options are invalid (as <see cref="TextToFacePipeline.Generate(string, GenerationOptions?)"/> says).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<GeneratedFace>> GenerateAsync(string description, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        options ??= new GenerationOptions();
        CheckFaceCount(options.FacesPerDescription, nameof(options));
        return RunAsync(pipeline => pipeline.Generate(description, options), cancellationToken);
    }

    /// <summary>
    /// A text edit of a face as soon as a slot is free: for each of the requested faces, the original then the edited
    /// face (<see cref="TextToFacePipeline.Edit"/>), so a request returns twice its face count.
    /// </summary>
    /// <param name="description">The original description.</param>
    /// <param name="editedDescription">The description with the change.</param>
    /// <param name="options">Seed, faces (at most <see cref="TextToFaceServiceOptions.MaxFacesPerRequest"/> / 2), truncation.</param>
    /// <param name="strength">How far to move towards the edited description (1: all the way).</param>
    /// <param name="cancellationToken">Cancels the wait for a slot.</param>
    /// <returns>Original, edited, original, edited ...; the caller disposes them.</returns>
    /// <exception cref="ServiceBusyException">The queue is full.</exception>
    public Task<IReadOnlyList<GeneratedFace>> EditAsync(string description, string editedDescription, GenerationOptions? options = null, float strength = 1f, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(editedDescription);
        options ??= new GenerationOptions();
        CheckFaceCount(options.FacesPerDescription * 2, nameof(options));
        return RunAsync(pipeline => pipeline.Edit(description, editedDescription, options, strength), cancellationToken);
    }

    /// <summary>An interpolation strip between two descriptions (<see cref="TextToFacePipeline.Interpolate"/>) as soon as a slot is free.</summary>
    /// <param name="from">First description.</param>
    /// <param name="to">Second description.</param>
    /// <param name="frames">Frames, 2 to <see cref="TextToFaceServiceOptions.MaxFacesPerRequest"/>.</param>
    /// <param name="options">Seed and truncation.</param>
    /// <param name="cancellationToken">Cancels the wait for a slot.</param>
    /// <returns>The frames in order; the caller disposes them.</returns>
    /// <exception cref="ServiceBusyException">The queue is full.</exception>
    public Task<IReadOnlyList<GeneratedFace>> InterpolateAsync(string from, string to, int frames, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        CheckFaceCount(frames, nameof(frames));
        return RunAsync(pipeline => pipeline.Interpolate(from, to, frames, options), cancellationToken);
    }

    /// <summary>Style mixing of two descriptions (<see cref="TextToFacePipeline.Mix"/>) as soon as a slot is free.</summary>
    /// <param name="coarse">Description of the coarse layers.</param>
    /// <param name="fine">Description of the layers from <paramref name="crossover"/> on.</param>
    /// <param name="crossover">First layer taken from <paramref name="fine"/>.</param>
    /// <param name="options">Seed, faces, truncation.</param>
    /// <param name="cancellationToken">Cancels the wait for a slot.</param>
    /// <returns>The faces; the caller disposes them.</returns>
    /// <exception cref="ServiceBusyException">The queue is full.</exception>
    public Task<IReadOnlyList<GeneratedFace>> MixAsync(string coarse, string fine, int crossover, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coarse);
        ArgumentNullException.ThrowIfNull(fine);
        options ??= new GenerationOptions();
        CheckFaceCount(options.FacesPerDescription, nameof(options));
        return RunAsync(pipeline => pipeline.Mix(coarse, fine, crossover, options), cancellationToken);
    }

    private void CheckFaceCount(int faces, string parameter)
    {
        if (faces < 1 || faces > _options.MaxFacesPerRequest)
        {
            throw new ArgumentOutOfRangeException(parameter, faces, $"A request may ask for 1 to {_options.MaxFacesPerRequest} faces (an edit counts its original and edited faces).");
        }
    }

    // Admission (bounded), a slot, the work on the thread pool; the pipeline validates the rest of the input itself, so
    // a bad request fails inside its slot with the pipeline's own ArgumentException.
    private async Task<IReadOnlyList<GeneratedFace>> RunAsync(Func<TextToFacePipeline, IReadOnlyList<GeneratedFace>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _admitted) > _options.MaxConcurrency + _options.MaxQueueLength)
        {
            Interlocked.Decrement(ref _admitted);
            throw new ServiceBusyException($"The text-to-face service is busy ({_options.MaxConcurrency} running, {_options.MaxQueueLength} waiting); retry later.")
            {
                RetryAfter = RetryAfterHint(),
            };
        }

        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var clock = Stopwatch.StartNew();
                var faces = await Task.Run(() => work(_pipeline), CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref _totalTicks, clock.Elapsed.Ticks);
                Interlocked.Increment(ref _completed);
                if (cancellationToken.IsCancellationRequested)
                {
                    foreach (var face in faces)
                    {
                        face.Dispose();
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                }

                return faces;
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    // The queue ahead divided among the slots, times the mean generation time so far (at least one second).
    private TimeSpan RetryAfterHint()
    {
        long done = Interlocked.Read(ref _completed);
        double mean = done == 0 ? 1 : TimeSpan.FromTicks(Interlocked.Read(ref _totalTicks) / done).TotalSeconds;
        double seconds = mean * (_options.MaxQueueLength + _options.MaxConcurrency) / _options.MaxConcurrency;
        return TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(seconds), 1, 3600));
    }

    /// <summary>Stops accepting requests; disposes the pipeline when the service owns it. Call it when no request runs.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _slots.Dispose();
        if (_ownsPipeline)
        {
            _pipeline.Dispose();
        }
    }
}
