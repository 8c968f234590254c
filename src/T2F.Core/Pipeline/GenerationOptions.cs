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

    /// <summary>
    /// How much of what a description does not say (pose, skin tone, hair shape, background) varies between faces, in
    /// [0, 2]: each face's latent moves by Variation x (mapping(z) - mean w) for a seeded z, the same offset for face k
    /// of every description, so edits and interpolations keep their face. 0 gives every seed nearly the same face
    /// (a projector trained by regression ignores its noise input). The default 0.5 is the smallest of 0, 0.25, 0.5 and 1
    /// whose face diversity exceeded half the SynthFaces oracle's on 300 validation faces, at a cost of 0.9 points of
    /// attribute accuracy (docs/default-model.md).
    /// </summary>
    public float Variation { get; init; } = 0.5f;
}
