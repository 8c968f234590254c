using static TorchSharp.torch;

namespace T2F.Core.Generation;

/// <summary>
/// Arguments of <see cref="StyleGan2Generator.Generate"/>, mirroring the reference's forward (rosinality <c>model.py</c>
/// <c>Generator.forward</c>) for the goldens and the trainers. Internal: users render through
/// <see cref="IStyleGenerator.Synthesize"/> and its <see cref="SynthesisOptions"/>, one options record for the concept.
/// </summary>
internal sealed record GeneratorForwardOptions
{
    /// <summary>True when the styles are w ([B, style_dim]) or w+ ([B, n_latent, style_dim]); false maps z first.</summary>
    public bool InputIsLatent { get; init; }

    /// <summary>Truncation psi; applied when below 1.</summary>
    public float Truncation { get; init; } = 1f;

    /// <summary>Mean w for truncation ([1, style_dim] or [style_dim]); required when <see cref="Truncation"/> is below 1.</summary>
    public Tensor? TruncationLatent { get; init; }

    /// <summary>With two styles: layers [0, index) take the first, [index, n_latent) the second. Null draws it from <see cref="Seed"/>.</summary>
    public int? InjectIndex { get; init; }

    /// <summary>Noise source.</summary>
    public NoiseMode Noise { get; init; } = NoiseMode.Random;

    /// <summary>With <see cref="NoiseMode.Explicit"/>: one tensor per layer, [B or 1, 1, R, R].</summary>
    public IReadOnlyList<Tensor>? NoiseTensors { get; init; }

    /// <summary>Seed of random noise and of a random inject index; null draws a fresh seed.</summary>
    public long? Seed { get; init; }
}
