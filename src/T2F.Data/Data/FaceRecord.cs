namespace T2F.Core.Data;

/// <summary>One face of a <see cref="FaceImageDataset"/>.</summary>
/// <param name="FileName">Image file name as in the attribute list.</param>
/// <param name="ImagePath">Full path of the image.</param>
/// <param name="Attributes">Its attributes.</param>
/// <param name="Captions">Its captions (empty when the data set has none for it).</param>
/// <param name="Partition">Its split, when the data set has a partition list that names it.</param>
public sealed record FaceRecord(string FileName, string ImagePath, AttributeSet Attributes, IReadOnlyList<string> Captions, CelebAPartition? Partition);
