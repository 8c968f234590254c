using T2F.Orleans.Client;
using T2F.Orleans.Leasing;

namespace T2F.Orleans.Jobs;

/// <summary>
/// One batch job into one output folder (key: <see cref="BatchJobKey"/>): leases its shards to workers, re-leases the
/// shards of workers that stopped renewing, records commits and answers progress. Its state is in memory and rebuilt
/// from the output folder (the truth: <c>BatchGenerator.IsCommitted</c> per shard) whenever the job is submitted to
/// a fresh activation.
/// </summary>
[Alias("T2F.Orleans.IBatchJobGrain")]
internal interface IBatchJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes the job (claiming the folder, reading which shards are committed) unless this activation holds it
    /// already; a finished job stays finished and nothing is written.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder holds another job.</exception>
    [Alias("Submit")]
    Task<BatchClusterProgress> SubmitAsync(BatchJobMessage job, TimeSpan leaseTimeout);

    /// <summary>The job's progress (<see cref="BatchClusterProgress.Known"/> false when this activation does not hold it).</summary>
    [Alias("GetProgress")]
    Task<BatchClusterProgress> GetProgressAsync();

    /// <summary>The job, for a worker that has not seen it yet; null when this activation does not hold it.</summary>
    [Alias("GetJob")]
    Task<BatchJobMessage?> GetJobAsync();

    /// <summary>The next unit of work for <paramref name="worker"/>, or null when none is free now.</summary>
    [Alias("Lease")]
    Task<ShardLease?> LeaseAsync(string worker);

    /// <summary>Extends a lease; false when the worker no longer holds it (it may finish anyway: same bytes).</summary>
    [Alias("Renew")]
    Task<bool> RenewAsync(int shard, string worker);

    /// <summary>Records a shard committed (checked in the folder) or, for the lists task, the job finished.</summary>
    /// <exception cref="InvalidOperationException">The folder does not show it committed.</exception>
    [Alias("Complete")]
    Task CompleteAsync(int shard, string worker);

    /// <summary>Gives a lease back unfinished, so that the next worker gets it at once.</summary>
    [Alias("Release")]
    Task ReleaseAsync(int shard, string worker);
}
