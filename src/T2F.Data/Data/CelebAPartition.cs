namespace T2F.Core.Data;

/// <summary>The split of an image in <c>list_eval_partition.txt</c>.</summary>
public enum CelebAPartition
{
    /// <summary>0: training.</summary>
    Train = 0,

    /// <summary>1: validation.</summary>
    Validation = 1,

    /// <summary>2: test.</summary>
    Test = 2,
}
