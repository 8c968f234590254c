namespace T2F.Core.Data;

/// <summary>Options of <see cref="FaceDescriber"/>.</summary>
public sealed record DescriptionOptions
{
    /// <summary>
    /// Attributes a description may talk about (default: all 40). Others are ignored as if absent. Without
    /// <see cref="CelebAAttribute.Male"/> descriptions say "person" / "they"; without <see cref="CelebAAttribute.Young"/>
    /// they say nothing about age. SynthFaces uses its renderable set.
    /// </summary>
    public AttributeSet Describable { get; init; } = AttributeSet.All;
}
