namespace T2F.Core.Data;

/// <summary>
/// SplitMix64 (Steele et al., 2014): a small, fast generator whose output is fixed by its seed on every platform and
/// .NET version, unlike <see cref="Random"/>'s unseeded algorithm. Streams for (seed, index, purpose) come from
/// <see cref="Derive"/>, so each image is independent of the order and thread that produce it.
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private ulong state = seed;

    /// <summary>A well-mixed seed for one (seed, a, b) triple.</summary>
    public static ulong Derive(long seed, long a, long b = 0)
    {
        ulong h = Mix((ulong)seed ^ 0x5851F42D4C957F2DUL);
        h = Mix(h ^ (ulong)a);
        return Mix(h ^ ((ulong)b * 0x9E3779B97F4A7C15UL));
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public float Range(float min, float max) => min + ((max - min) * (float)NextDouble());

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    /// <summary>True with probability p.</summary>
    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Approximately normal (sum of uniforms), mean 0, standard deviation 1, bounded by +-3.</summary>
    public float Gaussian()
    {
        double s = 0;
        for (int i = 0; i < 6; i++)
        {
            s += NextDouble();
        }

        return (float)((s - 3.0) * Math.Sqrt(2.0));
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
