namespace T2F.Orleans.Jobs;

/// <summary>
/// The jobs that have work left, where every worker looks for work (one grain per cluster, key 0). In memory: if its
/// silo dies, the next progress call of each job's client registers the job again.
/// </summary>
[Alias("T2F.Orleans.IBatchJobRegistryGrain")]
internal interface IBatchJobRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a job (idempotent).</summary>
    [Alias("Register")]
    Task RegisterAsync(string jobKey);

    /// <summary>Removes a finished job.</summary>
    [Alias("Unregister")]
    Task UnregisterAsync(string jobKey);

    /// <summary>The keys of the jobs with work left, oldest first.</summary>
    [Alias("GetJobs")]
    Task<string[]> GetJobsAsync();
}
