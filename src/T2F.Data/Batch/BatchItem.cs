using T2F.Core.Data;

namespace T2F.Core.Batch;

/// <summary>One line of a batch job: <see cref="Count"/> faces of one description.</summary>
/// <param name="Id">Identifier (1-64 characters of A-Z, a-z, 0-9, '-', '_'): it names the image files.</param>
/// <param name="Text">The description.</param>
/// <param name="Count">Faces to generate for it.</param>
/// <param name="Attributes">The attributes the description states, when known (SynthFaces-sampled jobs): the labels
/// written to list_attr_celeba.txt. Null for free text.</param>
public sealed record BatchItem(string Id, string Text, int Count, AttributeSet? Attributes = null);
