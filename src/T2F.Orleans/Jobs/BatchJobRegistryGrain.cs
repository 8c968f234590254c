namespace T2F.Orleans.Jobs;

/// <inheritdoc cref="IBatchJobRegistryGrain"/>
internal sealed class BatchJobRegistryGrain : Grain, IBatchJobRegistryGrain
{
    private readonly List<string> jobs = [];

    /// <inheritdoc />
    public Task RegisterAsync(string jobKey)
    {
        if (!jobs.Contains(jobKey, StringComparer.Ordinal))
        {
            jobs.Add(jobKey);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnregisterAsync(string jobKey)
    {
        jobs.Remove(jobKey);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string[]> GetJobsAsync() => Task.FromResult(jobs.ToArray());
}
