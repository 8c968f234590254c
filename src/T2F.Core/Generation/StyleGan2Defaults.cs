namespace T2F.Core.Generation;

/// <summary>Constants of the reference StyleGAN2 that are not stored in checkpoints.</summary>
public static class StyleGan2Defaults
{
    /// <summary>The FIR taps [1, 3, 3, 1] every blur, upsample and downsample uses.</summary>
    public static IReadOnlyList<float> BlurTaps { get; } = new[] { 1f, 3f, 3f, 1f };

    /// <summary>The mapping network's learning-rate multiplier (lr_mlp = 0.01).</summary>
    public const float MappingLrMul = 0.01f;

    /// <summary>
    /// The reference channel table for a channel multiplier: 4..32 -> 512; 64 -> 256m; 128 -> 128m;
    /// 256 -> 64m; 512 -> 32m; 1024 -> 16m.
    /// </summary>
    /// <param name="channelMultiplier">2 for config-f.</param>
    /// <param name="size">Output resolution (power of two, 8..1024 and beyond: halves per doubling).</param>
    public static IReadOnlyDictionary<int, int> Channels(int channelMultiplier, int size)
    {
        var table = new Dictionary<int, int>
        {
            [4] = 512,
            [8] = 512,
            [16] = 512,
            [32] = 512,
            [64] = 256 * channelMultiplier,
            [128] = 128 * channelMultiplier,
            [256] = 64 * channelMultiplier,
            [512] = 32 * channelMultiplier,
            [1024] = 16 * channelMultiplier,
        };
        for (int r = 2048; r <= size; r *= 2)
        {
            table[r] = Math.Max(1, table[r / 2] / 2);
        }

        return table;
    }
}
