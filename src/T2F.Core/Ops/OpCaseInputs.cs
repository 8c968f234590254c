namespace T2F.Core.Ops;

/// <summary>
/// The inputs of the ops' spec cases (<c>BiasActSpec</c>, <c>UpFirDn2dSpec</c>, <c>ModulatedConvSpec</c>): N(0, 1) values from
/// a seeded <see cref="Random"/>, not from libtorch, so that the GPU check draws the same values on a machine without
/// libtorch and compares its kernels with reference outputs computed elsewhere.
/// </summary>
internal static class OpCaseInputs
{
    /// <summary><paramref name="count"/> N(0, 1) values (Box-Muller over a seeded <see cref="Random"/>, whose sequence .NET keeps stable per seed).</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">Seed.</param>
    public static float[] Normal(long count, int seed)
    {
        var random = new Random(seed);
        var values = new float[checked((int)count)];
        for (int i = 0; i < values.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return values;
    }

    /// <summary>A seed from a case's name (FNV-1a), stable across runs and machines, unlike <see cref="string.GetHashCode()"/>.</summary>
    /// <param name="name">The case's name.</param>
    public static int Seed(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
