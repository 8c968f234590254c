using T2F.Core.Batch;
using T2F.Orleans.Jobs;

namespace T2F.Orleans.Client;

/// <summary>
/// Submits batch jobs to a cluster of silos that run <see cref="Hosting.BatchClusterHostingExtensions.AddBatchWorker"/>,
/// and follows them. The output folder must be a path every silo sees as the same shared storage.
/// </summary>
/// <param name="grains">The cluster client (or a silo's grain factory).</param>
/// <param name="options">Lease timeout and polling interval.</param>
public sealed class BatchClusterClient(IGrainFactory grains, BatchClusterJobOptions? options = null)
{
    private readonly BatchClusterJobOptions options = options ?? new BatchClusterJobOptions();

    /// <summary>
    /// Submits the job: the job grain claims the folder and reads which shards are committed, and the silos' workers
    /// start leasing the rest. Submitting a job that is running or finished changes nothing and returns its progress.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder holds another job, or files that are not a job's.</exception>
    public Task<BatchClusterProgress> SubmitAsync(BatchJobSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        spec.Validate();
        return Job(spec, folder).SubmitAsync(BatchJobMessage.From(spec), options.LeaseTimeout);
    }

    /// <summary>The job's progress across the cluster (<see cref="BatchClusterProgress.Known"/> false when not submitted).</summary>
    public Task<BatchClusterProgress> GetProgressAsync(BatchJobSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return Job(spec, folder).GetProgressAsync();
    }

    /// <summary>
    /// Submits the job and waits until it is finished, reporting progress at every poll. When the silo that hosted the
    /// job grain dies, the grain comes back on another silo without the job: this submits it again, and the grain
    /// rebuilds its state from the folder. A cluster that cannot be reached for a moment (a silo being declared dead)
    /// is asked again at the next poll.
    /// </summary>
    /// <returns>The finished job's progress.</returns>
    /// <exception cref="InvalidOperationException">The folder holds another job, or files that are not a job's.</exception>
    public async Task<BatchClusterProgress> RunAsync(BatchJobSpec spec, string folder, IProgress<BatchClusterProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var job = Job(spec, folder);
        var message = BatchJobMessage.From(spec);
        var state = await SubmitAsync(spec, folder);
        progress?.Report(state);
        while (!state.Finished)
        {
            await Task.Delay(options.PollInterval, cancellationToken);
            try
            {
                state = await job.GetProgressAsync();
                if (!state.Known)
                {
                    state = await job.SubmitAsync(message, options.LeaseTimeout);
                }
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                continue;
            }

            progress?.Report(state);
        }

        return state;
    }

    private IBatchJobGrain Job(BatchJobSpec spec, string folder) => grains.GetGrain<IBatchJobGrain>(BatchJobKey.Create(spec, folder));
}
