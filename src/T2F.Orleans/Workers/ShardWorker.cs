using System.Collections.Concurrent;
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
/// The worker of one silo: loads the model once, then runs <see cref="BatchWorkerOptions.ParallelShards"/> loops that
/// each ask the registered jobs for a lease, generate and commit the leased shard
/// (<see cref="BatchGenerator.GenerateShard"/>, renewing the lease meanwhile) or write the dataset lists
/// (<see cref="BatchGenerator.Finish"/>), and report it done. libtorch runs one thread per face: a face's bytes then do
/// not depend on the silo's core count (libtorch's intra-op threads change the order of float reductions).
/// </summary>
internal sealed partial class ShardWorker(IGrainFactory grains, ILocalSiloDetails localSilo, BatchWorkerOptions options, ILogger<ShardWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, BatchJobSpec> specs = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: loading the model takes seconds.
        await Task.Yield();
        torch.set_num_threads(1);
        using var pipeline = options.LoadPipeline();
        string silo = localSilo.SiloAddress.ToString();
        LogReady(logger, silo, options.ParallelShards);
        await Task.WhenAll(Enumerable.Range(0, options.ParallelShards).Select(i => Task.Run(() => LoopAsync(pipeline, $"{silo}#{i}", stoppingToken), CancellationToken.None)));
    }

    // One shard at a time, until the silo stops.
    private async Task LoopAsync(TextToFacePipeline pipeline, string worker, CancellationToken stoppingToken)
    {
        var registry = grains.GetGrain<IBatchJobRegistryGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = false;
                foreach (string key in await registry.GetJobsAsync())
                {
                    if (await TryWorkOnAsync(pipeline, worker, key, stoppingToken))
                    {
                        worked = true;
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
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
                    return;
                }
            }
        }
    }

    // Leases one unit of work of the job and does it; false when the job had nothing free.
    private async Task<bool> TryWorkOnAsync(TextToFacePipeline pipeline, string worker, string key, CancellationToken stoppingToken)
    {
        var job = grains.GetGrain<IBatchJobGrain>(key);
        var lease = await job.LeaseAsync(worker);
        if (lease is null)
        {
            return false;
        }

        if (!specs.TryGetValue(key, out var spec))
        {
            var message = await job.GetJobAsync() ?? throw new InvalidOperationException("The job grain leased work without holding its job.");
            spec = specs.GetOrAdd(key, message.ToSpec());
        }

        string folder = BatchJobKey.Folder(key);
        using var renewal = new CancellationTokenSource();
        var renewing = RenewAsync(job, lease, worker, renewal.Token);
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
            await job.ReleaseAsync(lease.Shard, worker);
            throw;
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }

        await job.CompleteAsync(lease.Shard, worker);
        LogDone(logger, lease.WritesLists ? "lists" : lease.Shard.ToString(System.Globalization.CultureInfo.InvariantCulture), folder);
        return true;
    }

    // Renews the lease at a third of its timeout until the work is done (a lost renewal is not fatal: the shard is
    // then generated twice, same bytes).
    private async Task RenewAsync(IBatchJobGrain job, ShardLease lease, string worker, CancellationToken done)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease.Timeout / 3, done);
                if (!await job.RenewAsync(lease.Shard, worker))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch worker of {Silo} ready: {Shards} shards at once, one libtorch thread each.")]
    private static partial void LogReady(ILogger logger, string silo, int shards);

    [LoggerMessage(Level = LogLevel.Information, Message = "Committed {Work} of {Folder}.")]
    private static partial void LogDone(ILogger logger, string work, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of shard {Shard} lost (it expired and went to another worker); finishing it anyway, the bytes are the same.")]
    private static partial void LogLostLease(ILogger logger, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch worker: {Error}; asking again.")]
    private static partial void LogRetry(ILogger logger, string error);
}
