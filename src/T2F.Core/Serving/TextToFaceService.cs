using System.Diagnostics;
using System.Threading.Channels;
using T2F.Core.Pipeline;

namespace T2F.Core.Serving;

/// <summary>
/// Serves one <see cref="TextToFacePipeline"/> to many callers (a web service's requests): at most
/// <see cref="TextToFaceServiceOptions.MaxConcurrency"/> generations run at once, at most
/// <see cref="TextToFaceServiceOptions.MaxQueueLength"/> wait, and any further request fails at once with
/// <see cref="ServiceBusyException"/> instead of growing a queue without limit. A waiting request honours its
/// <see cref="CancellationToken"/>; a running one finishes its forward pass first (libtorch cannot stop one midway) and
/// its faces are then disposed. Without micro-batching (the default) results are the bytes a direct pipeline call
/// gives. With <see cref="TextToFaceServiceOptions.MaxBatchFaces"/> above 1, generate requests that wait together are
/// rendered in one fixed-size synthesis batch (much cheaper per face for small generators such as the 64x64 default
/// model; not for 256x256 and up: docs/benchmarks/generator-routes-256.md), and each request's bytes are the same
/// whichever requests share its batch.
/// </summary>
public sealed class TextToFaceService : IDisposable
{
    private readonly TextToFacePipeline pipeline;
    private readonly bool ownsPipeline;
    private readonly SemaphoreSlim slots;
    private readonly TextToFaceServiceOptions options;
    private readonly Channel<BatchedRequest>? batchQueue;
    private readonly Task? batcher;
    private int admitted;
    private long completed;
    private long totalTicks;
    private long batches;
    private long batchedRequests;
    private volatile bool disposed;

    /// <summary>Serves <paramref name="pipeline"/> with the given limits.</summary>
    /// <param name="pipeline">The pipeline (thread-safe for generation).</param>
    /// <param name="options">Limits; null for the defaults.</param>
    /// <param name="ownsPipeline">Dispose the pipeline with the service.</param>
    public TextToFaceService(TextToFacePipeline pipeline, TextToFaceServiceOptions? options = null, bool ownsPipeline = false)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        this.options = options ?? new TextToFaceServiceOptions();
        this.options.Validate();
        this.pipeline = pipeline;
        this.ownsPipeline = ownsPipeline;
        slots = new SemaphoreSlim(this.options.MaxConcurrency, this.options.MaxConcurrency);
        if (this.options.MaxBatchFaces > 1)
        {
            if (pipeline.Generator is not Generation.StyleGan2Model)
            {
                throw new ArgumentException(TextToFacePipeline.BatchingNeedsStyleGan2(pipeline.Generator), nameof(options));
            }

            batchQueue = Channel.CreateUnbounded<BatchedRequest>(new UnboundedChannelOptions { SingleReader = true });
            batcher = Task.Run(BatchLoopAsync);
        }
    }

    /// <summary>Counts of what the service has done (for logs and health pages).</summary>
    public TextToFaceServiceStatistics Statistics => new(Interlocked.Read(ref completed), Interlocked.Read(ref batches), Interlocked.Read(ref batchedRequests));

    /// <summary>Requests running or waiting now.</summary>
    public int Pending => Volatile.Read(ref admitted);

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
        return batchQueue is null
            ? RunAsync(pipeline => pipeline.Generate(description, options), cancellationToken)
            : EnqueueAsync(description, options, cancellationToken);
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
        if (faces < 1 || faces > this.options.MaxFacesPerRequest)
        {
            throw new ArgumentOutOfRangeException(parameter, faces, $"A request may ask for 1 to {this.options.MaxFacesPerRequest} faces (an edit counts its original and edited faces).");
        }
    }

    // Admission (bounded), a slot, the work on the thread pool; the pipeline validates the rest of the input itself, so
    // a bad request fails inside its slot with the pipeline's own ArgumentException.
    private async Task<IReadOnlyList<GeneratedFace>> RunAsync(Func<TextToFacePipeline, IReadOnlyList<GeneratedFace>> work, CancellationToken cancellationToken)
    {
        Admit(cancellationToken);
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var clock = Stopwatch.StartNew();
                var faces = await Task.Run(() => work(this.pipeline), CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref totalTicks, clock.Elapsed.Ticks);
                Interlocked.Increment(ref completed);
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
                slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref admitted);
        }
    }

    // Counts the request in, or refuses it at once when the running + waiting limit is reached.
    private void Admit(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref admitted) > this.options.MaxConcurrency + this.options.MaxQueueLength)
        {
            Interlocked.Decrement(ref admitted);
            throw new ServiceBusyException($"The text-to-face service is busy ({this.options.MaxConcurrency} running, {this.options.MaxQueueLength} waiting); retry later.")
            {
                RetryAfter = RetryAfterHint(),
            };
        }
    }

    // A micro-batched generate request: validated and admitted here, rendered by the batch loop. Cancellation while
    // waiting completes it at once (the loop skips it); a result that arrives after cancellation is disposed.
    private async Task<IReadOnlyList<GeneratedFace>> EnqueueAsync(string description, GenerationOptions options, CancellationToken cancellationToken)
    {
        TextToFacePipeline.Validate(new[] { description }, options);
        Admit(cancellationToken);
        try
        {
            var request = new BatchedRequest(description, options);
            using var registration = cancellationToken.Register(() => request.Completion.TrySetCanceled(cancellationToken));
            if (!batchQueue!.Writer.TryWrite(request))
            {
                throw new ObjectDisposedException(nameof(TextToFaceService));
            }

            return await request.Completion.Task.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref admitted);
        }
    }

    // One reader: waits for a request, then for a free slot (more requests gather meanwhile), then takes waiting
    // requests up to MaxBatchFaces faces (waiting at most MaxBatchDelay for more) and renders them on the thread pool.
    private async Task BatchLoopAsync()
    {
        var reader = batchQueue!.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await slots.WaitAsync().ConfigureAwait(false);
            var batch = new List<BatchedRequest>();
            int faces = 0;
            var clock = Stopwatch.StartNew();
            while (faces < this.options.MaxBatchFaces)
            {
                if (reader.TryPeek(out var next))
                {
                    if (next.Completion.Task.IsCompleted || (faces > 0 && faces + next.Faces > this.options.MaxBatchFaces))
                    {
                        if (!next.Completion.Task.IsCompleted)
                        {
                            break; // does not fit: it leads the next batch
                        }

                        reader.TryRead(out _); // cancelled while waiting
                        continue;
                    }

                    reader.TryRead(out _);
                    batch.Add(next);
                    faces += next.Faces;
                    continue;
                }

                var left = this.options.MaxBatchDelay - clock.Elapsed;
                if (batch.Count == 0 || left <= TimeSpan.Zero)
                {
                    break;
                }

                using var timeout = new CancellationTokenSource(left);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (batch.Count == 0)
            {
                slots.Release();
                continue;
            }

            _ = Task.Run(() => RunBatch(batch));
        }
    }

    private void RunBatch(List<BatchedRequest> batch)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            IReadOnlyList<IReadOnlyList<GeneratedFace>> results;
            try
            {
                results = this.pipeline.GenerateBatched(batch.Select(r => (r.Description, r.Options)).ToList(), this.options.MaxBatchFaces);
            }
            catch (Exception e)
            {
                foreach (var request in batch)
                {
                    request.Completion.TrySetException(e);
                }

                return;
            }
            finally
            {
                Interlocked.Add(ref totalTicks, clock.Elapsed.Ticks);
                Interlocked.Add(ref completed, batch.Count);
                Interlocked.Increment(ref batches);
                Interlocked.Add(ref batchedRequests, batch.Count);
            }

            for (int i = 0; i < batch.Count; i++)
            {
                if (!batch[i].Completion.TrySetResult(results[i]))
                {
                    foreach (var face in results[i])
                    {
                        face.Dispose(); // cancelled while it ran
                    }
                }
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private sealed class BatchedRequest(string description, GenerationOptions options)
    {
        public string Description { get; } = description;

        public GenerationOptions Options { get; } = options;

        public int Faces => Options.FacesPerDescription;

        public TaskCompletionSource<IReadOnlyList<GeneratedFace>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // The queue ahead divided among the slots, times the mean generation time so far (at least one second).
    private TimeSpan RetryAfterHint()
    {
        long done = Interlocked.Read(ref completed);
        double mean = done == 0 ? 1 : TimeSpan.FromTicks(Interlocked.Read(ref totalTicks) / done).TotalSeconds;
        double seconds = mean * (this.options.MaxQueueLength + this.options.MaxConcurrency) / this.options.MaxConcurrency;
        return TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(seconds), 1, 3600));
    }

    /// <summary>Stops accepting requests; disposes the pipeline when the service owns it. Call it when no request runs.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (batchQueue is not null)
        {
            batchQueue.Writer.TryComplete();
            while (batchQueue.Reader.TryRead(out var request))
            {
                request.Completion.TrySetException(new ObjectDisposedException(nameof(TextToFaceService), "The text-to-face service was disposed before this request ran."));
            }

            batcher!.Wait(TimeSpan.FromSeconds(5));
        }

        slots.Dispose();
        if (this.ownsPipeline)
        {
            this.pipeline.Dispose();
        }
    }
}
