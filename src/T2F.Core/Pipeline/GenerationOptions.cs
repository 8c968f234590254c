namespace T2F.Core.Pipeline;

/// <summary>Options of <see cref="TextToFacePipeline.Generate(string, GenerationOptions?)"/>.</summary>
public sealed record GenerationOptions
{
    /// <summary>Seed of the projector noise and the generator noise (same seed, same face).</summary>
    public long Seed { get; init; }

    /// <summary>Faces per description (they differ through the projector's noise input and the generator noise).</summary>
    public int FacesPerDescription { get; init; } = 1;

    /// <summary>Truncation psi in (0, 1] towards the generator's mean w (1: off).</summary>
    public float Truncation { get; init; } = 1f;
}
