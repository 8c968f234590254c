using System.Collections.Concurrent;
using TorchSharp;

namespace T2F.Core.Data;

/// <summary>
/// Batches a <see cref="FaceImageDataset"/>: a seeded shuffle per epoch, optional seeded flips, and background
/// prefetch (images are decoded on <see cref="FaceLoaderOptions.Workers"/> threads while the consumer trains).
/// The same (seed, epoch) gives the same batches whatever the number of workers.
/// </summary>
/// <remarks>
/// Decoding is pure managed/SkiaSharp code on worker threads; the image tensor of a batch is made on the thread
/// that enumerates, so it lands in that thread's dispose scope. An undecodable image fails the enumeration with a
/// <see cref="FaceImageException"/> naming it, or, with <see cref="BadImagePolicy.Skip"/>, is left out of its batch and
/// counted in <see cref="FaceImageDataset.SkippedFiles"/>.
/// </remarks>
public sealed class FaceDataLoader
{
    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The data set.</param>
    /// <param name="options">Batch size, shuffling, flips, prefetch; null uses the defaults.</param>
    public FaceDataLoader(FaceImageDataset dataset, FaceLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        Options = options ?? new FaceLoaderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.PrefetchBatches, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.Workers, nameof(options));
    }

    /// <summary>The data set.</summary>
    public FaceImageDataset Dataset { get; }

    /// <summary>The options.</summary>
    public FaceLoaderOptions Options { get; }

    /// <summary>Batches in one epoch (before skipped images).</summary>
    public int BatchesPerEpoch => Options.DropLast ? Dataset.Count / Options.BatchSize : (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The order of the data set indices in <paramref name="epoch"/>.</summary>
    /// <param name="epoch">Epoch number.</param>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Options.Shuffle)
        {
            new DeterministicRandom(DeterministicRandom.Derive(Options.Seed, epoch, -1)).Shuffle(order);
        }

        return order;
    }

    /// <summary>The batches of one epoch. Dispose each batch when done with it (or use a dispose scope).</summary>
    /// <param name="epoch">Epoch number (changes the order and the flips).</param>
    /// <param name="cancellationToken">Stops the enumeration and the background decoding.</param>
    public IEnumerable<FaceBatch> Epoch(int epoch, CancellationToken cancellationToken = default)
    {
        var order = Order(epoch);
        int batchSize = Options.BatchSize;
        int batches = BatchesPerEpoch;
        var slices = Enumerable.Range(0, batches).Select(b => order.AsMemory(b * batchSize, Math.Min(batchSize, order.Length - (b * batchSize)))).ToArray();
        if (Options.PrefetchBatches == 0)
        {
            foreach (var slice in slices)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var prepared = Prepare(slice, epoch, cancellationToken);
                if (prepared.Records.Count > 0)
                {
                    yield return prepared.ToBatch(Dataset.Resolution);
                }
            }

            yield break;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<Prepared>(Options.PrefetchBatches);
        var producer = Task.Run(
            () =>
            {
                try
                {
                    foreach (var slice in slices)
                    {
                        Prepared prepared;
                        try
                        {
                            prepared = Prepare(slice, epoch, stop.Token);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            queue.Add(new Prepared(e), stop.Token);
                            return;
                        }

                        queue.Add(prepared, stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            CancellationToken.None);

        try
        {
            foreach (var prepared in queue.GetConsumingEnumerable(cancellationToken))
            {
                if (prepared.Error is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(prepared.Error).Throw();
                }

                if (prepared.Records.Count > 0)
                {
                    yield return prepared.ToBatch(Dataset.Resolution);
                }
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
            }
        }
    }

    private Prepared Prepare(ReadOnlyMemory<int> indices, int epoch, CancellationToken token)
    {
        int r = Dataset.Resolution, plane = 3 * r * r, n = indices.Length;
        var pixels = new float[n * plane];
        var ok = new bool[n];
        var flips = new bool[n];
        var errors = new Exception?[n];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.Workers > 0 ? Options.Workers : Environment.ProcessorCount, CancellationToken = token };
        Parallel.For(0, n, parallel, i =>
        {
            int index = indices.Span[i];
            flips[i] = Options.HorizontalFlip && (DeterministicRandom.Derive(Options.Seed, epoch, index) & 1) == 1;
            try
            {
                Dataset.LoadPixels(index, flips[i], pixels.AsSpan(i * plane, plane));
                ok[i] = true;
            }
            catch (FaceImageException e)
            {
                errors[i] = e;
            }
        });

        var records = new List<FaceRecord>(n);
        var kept = new List<int>(n);
        var flipped = new List<bool>(n);
        int write = 0;
        for (int i = 0; i < n; i++)
        {
            if (!ok[i])
            {
                if (Dataset.Options.BadImages == BadImagePolicy.Fail)
                {
                    throw errors[i]!;
                }

                Dataset.RecordSkip(Dataset[indices.Span[i]].ImagePath);
                continue;
            }

            if (write != i)
            {
                pixels.AsSpan(i * plane, plane).CopyTo(pixels.AsSpan(write * plane, plane));
            }

            write++;
            records.Add(Dataset[indices.Span[i]]);
            kept.Add(indices.Span[i]);
            flipped.Add(flips[i]);
        }

        return new Prepared(pixels, records, kept, flipped);
    }

    private sealed class Prepared
    {
        public Prepared(float[] pixels, List<FaceRecord> records, List<int> indices, List<bool> flipped)
        {
            Pixels = pixels;
            Records = records;
            Indices = indices;
            Flipped = flipped;
        }

        public Prepared(Exception error)
        {
            Error = error;
            Pixels = [];
            Records = [];
            Indices = [];
            Flipped = [];
        }

        public float[] Pixels { get; }

        public List<FaceRecord> Records { get; }

        public List<int> Indices { get; }

        public List<bool> Flipped { get; }

        public Exception? Error { get; }

        public FaceBatch ToBatch(int resolution)
        {
            int n = Records.Count;
            var data = Pixels.Length == n * 3 * resolution * resolution ? Pixels : Pixels.AsSpan(0, n * 3 * resolution * resolution).ToArray();
            var images = torch.tensor(data, [n, 3, resolution, resolution]);
            return new FaceBatch(images, Records, Indices, Flipped);
        }
    }
}
