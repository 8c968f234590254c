using static TorchSharp.torch;

namespace T2F.Core.Generation;

/// <summary>Options of <see cref="IStyleGenerator.Synthesize"/>.</summary>
public sealed record SynthesisOptions
{
    /// <summary>Truncation psi in (0, 1]; 1 disables it. Values below 1 pull the latents towards the mean w.</summary>
    public float Truncation { get; init; } = 1f;

    /// <summary>The mean w for truncation ([1, StyleSize] or [StyleSize]); null uses the generator's own (stored or computed).</summary>
    public Tensor? TruncationLatent { get; init; }

    /// <summary>Style mixing: a second w / w+ batch whose styles replace the first from <see cref="InjectIndex"/> on.</summary>
    public Tensor? MixLatents { get; init; }

    /// <summary>First layer taken from <see cref="MixLatents"/>; null draws one in [1, LatentCount - 1] from <see cref="Seed"/>.</summary>
    public int? InjectIndex { get; init; }

    /// <summary>Noise source (default: random, reproducible for <see cref="Seed"/>).</summary>
    public NoiseMode Noise { get; init; } = NoiseMode.Random;

    /// <summary>With <see cref="NoiseMode.Explicit"/>: one tensor per layer.</summary>
    public IReadOnlyList<Tensor>? NoiseTensors { get; init; }

    /// <summary>Seed of the random noise and of a random inject index; null draws a fresh seed.</summary>
    public long? Seed { get; init; }
}
