namespace T2F.Orleans.Hosting;

/// <summary>The cluster silos and clients of batch jobs join: its membership store and its name.</summary>
public sealed record BatchClusterOptions
{
    /// <summary>The Redis server of the membership table, <c>HOST:PORT</c> (a StackExchange.Redis configuration string).</summary>
    public required string Redis { get; init; }

    /// <summary>The cluster's id (default <c>t2f-batch</c>): silos and clients with the same id and Redis form one cluster.</summary>
    public string ClusterId { get; init; } = "t2f-batch";

    /// <summary>The service's id (default <c>t2f-batch</c>).</summary>
    public string ServiceId { get; init; } = "t2f-batch";
}
