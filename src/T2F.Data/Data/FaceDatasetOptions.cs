namespace T2F.Core.Data;

/// <summary>Options of <see cref="FaceImageDataset.Open"/>.</summary>
public sealed record FaceDatasetOptions
{
    /// <summary>Output side R: images are centre-cropped to a square and resized to R x R (default 64).</summary>
    public int Resolution { get; init; } = 64;

    /// <summary>Only this split (needs <c>list_eval_partition.txt</c>); null keeps every image (default).</summary>
    public CelebAPartition? Partition { get; init; }

    /// <summary>Missing or undecodable images: fail (default) or skip and count.</summary>
    public BadImagePolicy BadImages { get; init; } = BadImagePolicy.Fail;

    /// <summary>Keep only the first N rows of the attribute list (after the partition filter); null keeps all.</summary>
    public int? Limit { get; init; }

    /// <summary>
    /// Keep only the rows this accepts (applied with the partition filter, before <see cref="Limit"/>); null keeps all.
    /// An evaluation uses it to hold out, e.g., every attribute combination that occurs in a training set.
    /// </summary>
    public Func<CelebAAttributeRow, bool>? Where { get; init; }
}
