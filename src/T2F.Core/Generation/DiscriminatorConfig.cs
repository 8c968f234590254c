namespace T2F.Core.Generation;

/// <summary>Architecture of a StyleGAN2 discriminator (rosinality layout).</summary>
/// <param name="Size">Input resolution, a power of two >= 8.</param>
/// <param name="Channels">Feature channels per resolution 4..Size.</param>
/// <param name="BlurTaps">1-D FIR taps.</param>
/// <param name="StddevGroup">Minibatch-stddev group size (4).</param>
/// <param name="StddevFeatures">Minibatch-stddev feature count (1).</param>
public sealed record DiscriminatorConfig(int Size, IReadOnlyDictionary<int, int> Channels, IReadOnlyList<float> BlurTaps, int StddevGroup = 4, int StddevFeatures = 1)
{
    /// <summary>log2(Size).</summary>
    public int LogSize => (int)Math.Round(Math.Log2(Size));

    /// <summary>The reference configuration for a resolution and channel multiplier.</summary>
    /// <param name="size">Input resolution.</param>
    /// <param name="channelMultiplier">Channel multiplier.</param>
    public static DiscriminatorConfig Create(int size, int channelMultiplier = 2)
    {
        var config = new DiscriminatorConfig(size, StyleGan2Defaults.Channels(channelMultiplier, size), StyleGan2Defaults.BlurTaps);
        config.Validate();
        return config;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        if (Size < 8 || (Size & (Size - 1)) != 0)
        {
            throw new ArgumentException($"StyleGan2Discriminator size must be a power of two >= 8; got {Size}.");
        }

        for (int r = 4; r <= Size; r *= 2)
        {
            if (!Channels.TryGetValue(r, out int c) || c < 1)
            {
                throw new ArgumentException($"StyleGan2Discriminator channel table has no positive entry for resolution {r}.");
            }
        }

        if (Channels[4] % StddevFeatures != 0)
        {
            throw new ArgumentException($"Discriminator: channels at 4x4 ({Channels[4]}) must be divisible by the stddev feature count ({StddevFeatures}).");
        }
    }
}
