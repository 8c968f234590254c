namespace T2F.Core.Batch;

/// <summary>Where a batch job stands.</summary>
/// <param name="ShardsDone">Shards committed (this run's and earlier runs').</param>
/// <param name="Shards">All shards of the job.</param>
/// <param name="FacesGenerated">Faces this run generated.</param>
/// <param name="Elapsed">Time this run has taken.</param>
/// <param name="Remaining">Estimated time left (this run's rate), null before the first shard.</param>
public sealed record BatchProgress(int ShardsDone, int Shards, long FacesGenerated, TimeSpan Elapsed, TimeSpan? Remaining);
