using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using T2F.Core.Batch;
using T2F.Core.Pipeline;
using T2F.Orleans.Jobs;
using T2F.Orleans.Leasing;
using TorchSharp;

namespace T2F.Orleans.Workers;

/// <summary>
/// The worker of one silo: loads the model once, then repeatedly asks the registered jobs for a lease, generates and
/// commits the leased shard (<see cref="BatchGenerator.GenerateShard"/>, renewing the lease meanwhile) or writes the
/// dataset lists (<see cref="BatchGenerator.Finish"/>), and reports it done. One shard at a time: the silo's libtorch
/// threads do the parallel work.
/// </summary>
internal sealed partial class ShardWorker(IGrainFactory grains, ILocalSiloDetails silo, BatchWorkerOptions options, ILogger<ShardWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, BatchJobSpec> specs = new(StringComparer.Ordinal);

    private string WorkerId => silo.SiloAddress.ToString();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: loading the model takes seconds.
        await Task.Yield();
        torch.set_num_threads(Math.Max(1, options.Threads));
        using var pipeline = options.LoadPipeline();
        LogReady(logger, WorkerId, torch.get_num_threads());
        var registry = grains.GetGrain<IBatchJobRegistryGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = false;
                foreach (string key in await registry.GetJobsAsync())
                {
                    if (await TryWorkOnAsync(pipeline, key, stoppingToken))
                    {
                        worked = true;
                        break;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A silo of the cluster died (the grain it hosted comes back elsewhere once membership declares it
                // dead), or a job failed: say so and ask again.
                LogRetry(logger, Summary(e));
                worked = false;
            }

            if (!worked)
            {
                try
                {
                    await Task.Delay(options.IdlePoll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    // Leases one unit of work of the job and does it; false when the job had nothing free.
    private async Task<bool> TryWorkOnAsync(TextToFacePipeline pipeline, string key, CancellationToken stoppingToken)
    {
        var job = grains.GetGrain<IBatchJobGrain>(key);
        var lease = await job.LeaseAsync(WorkerId);
        if (lease is null)
        {
            return false;
        }

        if (!specs.TryGetValue(key, out var spec))
        {
            var message = await job.GetJobAsync() ?? throw new InvalidOperationException("The job grain leased work without holding its job.");
            spec = message.ToSpec();
            specs[key] = spec;
        }

        string folder = BatchJobKey.Folder(key);
        using var renewal = new CancellationTokenSource();
        var renewing = RenewAsync(job, lease, renewal.Token);
        try
        {
            await Task.Run(
                () =>
                {
                    if (lease.WritesLists)
                    {
                        BatchGenerator.Finish(spec, folder);
                    }
                    else
                    {
                        BatchGenerator.GenerateShard(pipeline, spec, folder, lease.Shard, stoppingToken);
                    }
                },
                stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await renewal.CancelAsync();
            await job.ReleaseAsync(lease.Shard, WorkerId);
            throw;
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }

        await job.CompleteAsync(lease.Shard, WorkerId);
        LogDone(logger, lease.WritesLists ? "lists" : lease.Shard.ToString(System.Globalization.CultureInfo.InvariantCulture), folder);
        return true;
    }

    // Renews the lease at a third of its timeout until the work is done (a lost renewal is not fatal: the shard is
    // then generated twice, same bytes).
    private async Task RenewAsync(IBatchJobGrain job, ShardLease lease, CancellationToken done)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease.Timeout / 3, done);
                if (!await job.RenewAsync(lease.Shard, WorkerId))
                {
                    LogLostLease(logger, lease.Shard);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogRetry(logger, Summary(e));
        }
    }

    // The exception's type and the first line of its message (Orleans puts whole inner stack traces in messages).
    private static string Summary(Exception e)
    {
        string first = e.Message.Split('\n', 2)[0];
        return $"{e.GetType().Name}: {(first.Length > 200 ? first[..200] + "..." : first)}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch worker {Worker} ready ({Threads} libtorch threads).")]
    private static partial void LogReady(ILogger logger, string worker, int threads);

    [LoggerMessage(Level = LogLevel.Information, Message = "Committed {Work} of {Folder}.")]
    private static partial void LogDone(ILogger logger, string work, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of shard {Shard} lost (it expired and went to another worker); finishing it anyway, the bytes are the same.")]
    private static partial void LogLostLease(ILogger logger, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch worker: {Error}; asking again.")]
    private static partial void LogRetry(ILogger logger, string error);
}
