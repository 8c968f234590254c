namespace T2F.Orleans.Client;

/// <summary>Where a job stands across the whole cluster, as its job grain sees it.</summary>
[GenerateSerializer]
[Immutable]
[Alias("T2F.Orleans.BatchClusterProgress")]
public sealed record BatchClusterProgress
{
    /// <summary>
    /// Whether the job grain holds the job. False after the silo that hosted it died and the grain came back elsewhere
    /// without it: the client submits the job again and the grain rebuilds its state from the output folder.
    /// </summary>
    [Id(0)]
    public bool Known { get; init; }

    /// <summary>Shards of the job.</summary>
    [Id(1)]
    public int Shards { get; init; }

    /// <summary>Shards committed in the output folder.</summary>
    [Id(2)]
    public int ShardsDone { get; init; }

    /// <summary>Shards leased to a worker now.</summary>
    [Id(3)]
    public int ShardsLeased { get; init; }

    /// <summary>Shards neither committed nor leased.</summary>
    public int ShardsLeft => Shards - ShardsDone - ShardsLeased;

    /// <summary>Faces in the whole job.</summary>
    [Id(4)]
    public long Faces { get; init; }

    /// <summary>Faces in committed shards.</summary>
    [Id(5)]
    public long FacesDone { get; init; }

    /// <summary>
    /// Faces committed per second by this job grain activation, from its first lease to now or, once every shard is
    /// committed, to the last commit (0 before a shard is done).
    /// </summary>
    [Id(6)]
    public double FacesPerSecond { get; init; }

    /// <summary>Estimated time left at <see cref="FacesPerSecond"/>, null before the first shard of this activation.</summary>
    [Id(7)]
    public TimeSpan? Remaining { get; init; }

    /// <summary>Leases handed out again after they expired: each one a worker or silo that stopped.</summary>
    [Id(8)]
    public int LeasesReissued { get; init; }

    /// <summary>Whether every shard is committed and the dataset lists are written.</summary>
    [Id(9)]
    public bool Finished { get; init; }

    /// <summary>The silo that hosts the job grain now (its address), null when the job is not known.</summary>
    [Id(10)]
    public string? JobSilo { get; init; }
}
