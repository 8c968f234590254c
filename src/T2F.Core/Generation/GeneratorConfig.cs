namespace T2F.Core.Generation;

/// <summary>
/// Architecture of a StyleGAN2 generator (rosinality layout). Use <see cref="Create"/> for the reference channel
/// table, or <c>StyleGan2Checkpoint</c> to read it off a checkpoint.
/// </summary>
/// <param name="Size">Output resolution, a power of two >= 8.</param>
/// <param name="StyleDim">Size of z and w (512 in config-f).</param>
/// <param name="MappingLayers">Number of mapping-network linears (n_mlp, 8 in config-f).</param>
/// <param name="Channels">Feature channels per resolution, for every resolution 4..Size.</param>
/// <param name="MappingLrMul">Learning-rate multiplier of the mapping linears (lr_mlp, 0.01).</param>
/// <param name="BlurTaps">1-D FIR taps ([1, 3, 3, 1]).</param>
public sealed record GeneratorConfig(int Size, int StyleDim, int MappingLayers, IReadOnlyDictionary<int, int> Channels, float MappingLrMul, IReadOnlyList<float> BlurTaps)
{
    /// <summary>log2(Size).</summary>
    public int LogSize => (int)Math.Round(Math.Log2(Size));

    /// <summary>Number of StyledConvs and noise inputs: 2 (log_size - 2) + 1.</summary>
    public int NumLayers => (2 * (LogSize - 2)) + 1;

    /// <summary>Number of style vectors consumed: 2 log_size - 2.</summary>
    public int LatentCount => (2 * LogSize) - 2;

    /// <summary>The reference configuration for a resolution (config-f: style 512, 8 mapping layers, multiplier 2).</summary>
    /// <param name="size">Output resolution.</param>
    /// <param name="styleDim">Size of z and w.</param>
    /// <param name="mappingLayers">n_mlp.</param>
    /// <param name="channelMultiplier">Channel multiplier.</param>
    /// <param name="mappingLrMul">lr_mlp.</param>
    public static GeneratorConfig Create(int size, int styleDim = 512, int mappingLayers = 8, int channelMultiplier = 2, float mappingLrMul = StyleGan2Defaults.MappingLrMul)
    {
        var config = new GeneratorConfig(size, styleDim, mappingLayers, StyleGan2Defaults.Channels(channelMultiplier, size), mappingLrMul, StyleGan2Defaults.BlurTaps);
        config.Validate();
        return config;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        if (Size < 8 || (Size & (Size - 1)) != 0)
        {
            throw new ArgumentException($"StyleGan2Generator size must be a power of two >= 8; got {Size}.");
        }

        if (StyleDim < 1 || MappingLayers < 0)
        {
            throw new ArgumentException($"StyleGan2Generator style_dim must be >= 1 and n_mlp >= 0; got {StyleDim} and {MappingLayers}.");
        }

        for (int r = 4; r <= Size; r *= 2)
        {
            if (!Channels.TryGetValue(r, out int c) || c < 1)
            {
                throw new ArgumentException($"StyleGan2Generator channel table has no positive entry for resolution {r}.");
            }
        }

        if (BlurTaps.Count == 0)
        {
            throw new ArgumentException("StyleGan2Generator blur kernel needs at least one tap.");
        }
    }
}
