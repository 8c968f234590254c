namespace T2F.Core.Training;

/// <summary>A seeded walk over N items, reshuffled every epoch: item <c>k</c> of the stream depends only on (seed, k).</summary>
public sealed class EpochOrder
{
    private readonly long seed;
    private readonly int count;
    private long cachedEpoch = -1;
    private int[] cached = Array.Empty<int>();

    /// <summary>Creates the order.</summary>
    /// <param name="count">N (>= 1).</param>
    /// <param name="seed">Shuffle seed.</param>
    public EpochOrder(int count, long seed)
    {
        if (count < 1)
        {
            throw new ArgumentException("A training set needs at least one image.", nameof(count));
        }

        this.count = count;
        this.seed = seed;
    }

    /// <summary>The indices of batch <paramref name="step"/> of size <paramref name="batchSize"/>.</summary>
    /// <param name="step">Step.</param>
    /// <param name="batchSize">Batch size.</param>
    public long[] Batch(long step, int batchSize)
    {
        var indices = new long[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            long position = (step * batchSize) + i;
            indices[i] = Permutation(position / count)[position % count];
        }

        return indices;
    }

    private int[] Permutation(long epoch)
    {
        if (epoch != cachedEpoch)
        {
            cached = Enumerable.Range(0, count).ToArray();
            // Derived with SplitMix64, not HashCode (randomised per process): a resumed process sees the same order.
            new Data.DeterministicRandom(Data.DeterministicRandom.Derive(seed, epoch, 0x5EED)).Shuffle(cached);
            cachedEpoch = epoch;
        }

        return cached;
    }
}
