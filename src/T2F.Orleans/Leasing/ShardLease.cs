namespace T2F.Orleans.Leasing;

/// <summary>A unit of work a job grain leases to a worker: one shard, or the dataset lists once every shard is committed.</summary>
[GenerateSerializer]
[Immutable]
[Alias("T2F.Orleans.ShardLease")]
internal sealed record ShardLease
{
    /// <summary>The shard number that stands for the lists task.</summary>
    public const int ListsShard = -1;

    /// <summary>The shard to generate and commit, or <see cref="ListsShard"/>.</summary>
    [Id(0)]
    public required int Shard { get; init; }

    /// <summary>How long the lease lasts without renewal: the worker renews it well before.</summary>
    [Id(1)]
    public required TimeSpan Timeout { get; init; }

    /// <summary>Whether this lease is the lists task.</summary>
    public bool WritesLists => Shard == ListsShard;
}
