namespace T2F.Orleans.Client;

/// <summary>How a client runs a job on the cluster.</summary>
public sealed record BatchClusterJobOptions
{
    /// <summary>
    /// How long a shard stays leased to a worker that stops renewing it (default 60 s; workers renew at a third of it).
    /// The shards of a silo that dies are generated again after this long.
    /// </summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the client asks for progress while it waits (default 1 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
