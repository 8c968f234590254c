namespace T2F.Core.Data;

/// <summary>One row of <c>list_eval_partition.txt</c>.</summary>
/// <param name="FileName">Image file name, e.g. <c>000001.jpg</c>.</param>
/// <param name="Partition">Its split.</param>
public readonly record struct CelebAPartitionEntry(string FileName, CelebAPartition Partition);
