using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using T2F.Core.Batch;
using T2F.Orleans.Client;
using T2F.Orleans.Leasing;

namespace T2F.Orleans.Jobs;

/// <inheritdoc cref="IBatchJobGrain"/>
internal sealed partial class BatchJobGrain(ILogger<BatchJobGrain> logger, TimeProvider clock, ILocalSiloDetails silo) : Grain, IBatchJobGrain
{
    private BatchJobMessage? message;
    private BatchJobSpec? spec;
    private ShardLeaseTable? table;
    private long startTimestamp;
    private long lastCommitTimestamp;
    private long facesThisActivation;
    private TimeSpan leaseTimeout;

    private string Key => this.GetPrimaryKeyString();

    private string Folder => BatchJobKey.Folder(Key);

    private IBatchJobRegistryGrain Registry => GrainFactory.GetGrain<IBatchJobRegistryGrain>(0);

    /// <inheritdoc />
    public async Task<BatchClusterProgress> SubmitAsync(BatchJobMessage job, TimeSpan leaseTimeout)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseTimeout, TimeSpan.Zero);
        if (table is null)
        {
            var submitted = job.ToSpec();
            if (submitted.Fingerprint() != BatchJobKey.Fingerprint(Key))
            {
                throw new ArgumentException("The job does not match its grain key's fingerprint.", nameof(job));
            }

            // The folder is the truth: claim it (or find it is ours) and read which shards are committed. File work
            // runs off the grain's scheduler; the grain takes no other call meanwhile.
            string folder = Folder;
            table = await Task.Run(() => ReadFolder(submitted, folder, leaseTimeout));
            spec = submitted;
            message = job;
            this.leaseTimeout = leaseTimeout;
            LogTaken(logger, folder, table.Done, table.Shards, table.ListsWritten);
        }

        if (!table.ListsWritten)
        {
            await Registry.RegisterAsync(Key);
        }

        return Progress();
    }

    /// <inheritdoc />
    public async Task<BatchClusterProgress> GetProgressAsync()
    {
        if (table is { ListsWritten: false })
        {
            // Registers again after the registry's silo died (a no-op otherwise): workers find jobs there.
            await Registry.RegisterAsync(Key);
        }

        return Progress();
    }

    /// <inheritdoc />
    public Task<BatchJobMessage?> GetJobAsync() => Task.FromResult(message);

    /// <inheritdoc />
    public Task<ShardLease?> LeaseAsync(string worker)
    {
        if (table is null || spec is null)
        {
            return Task.FromResult<ShardLease?>(null);
        }

        int reissued = table.Reissued;
        int? shard = table.TryLease(worker);
        if (shard is null)
        {
            return Task.FromResult<ShardLease?>(null);
        }

        if (startTimestamp == 0)
        {
            startTimestamp = clock.GetTimestamp();
        }

        if (table.Reissued > reissued)
        {
            LogReissued(logger, shard.Value, worker);
        }

        return Task.FromResult<ShardLease?>(new ShardLease { Shard = shard.Value, Timeout = leaseTimeout });
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(int shard, string worker) => Task.FromResult(table?.Renew(shard, worker) ?? false);

    /// <inheritdoc />
    public async Task CompleteAsync(int shard, string worker)
    {
        if (table is null || spec is null)
        {
            return;
        }

        var job = spec;
        string folder = Folder;
        if (shard == ShardLease.ListsShard)
        {
            if (!await Task.Run(() => BatchGenerator.IsFinished(job, folder)))
            {
                throw new InvalidOperationException($"{worker} reported the dataset lists of {folder} written, but the job file there does not say so; is the folder the same shared storage on every silo?");
            }

            table.CommitLists();
            await Registry.UnregisterAsync(Key);
            LogFinished(logger, folder);
            return;
        }

        if (!await Task.Run(() => BatchGenerator.IsCommitted(folder, job, shard)))
        {
            throw new InvalidOperationException($"{worker} reported shard {shard} committed, but {folder} does not hold its whole list; is the folder the same shared storage on every silo?");
        }

        if (table.Commit(shard))
        {
            facesThisActivation += FacesOf(shard);
            lastCommitTimestamp = clock.GetTimestamp();
        }
    }

    /// <inheritdoc />
    public Task ReleaseAsync(int shard, string worker)
    {
        table?.Release(shard, worker);
        return Task.CompletedTask;
    }

    private ShardLeaseTable ReadFolder(BatchJobSpec job, string folder, TimeSpan timeout)
    {
        BatchGenerator.Prepare(job, folder);
        var read = new ShardLeaseTable(job.ShardCount, timeout, clock);
        bool finished = BatchGenerator.IsFinished(job, folder);
        for (int shard = 0; shard < job.ShardCount; shard++)
        {
            if (finished || BatchGenerator.IsCommitted(folder, job, shard))
            {
                read.Commit(shard);
            }
        }

        if (finished)
        {
            read.CommitLists();
        }

        return read;
    }

    private long FacesOf(int shard) => Math.Min(spec!.ShardSize, spec.TotalFaces - ((long)shard * spec.ShardSize));

    private BatchClusterProgress Progress()
    {
        if (table is null || spec is null)
        {
            return new BatchClusterProgress { Known = false };
        }

        long faces = spec.TotalFaces;
        long done = ((long)table.Done * spec.ShardSize) - (table.IsCommitted(table.Shards - 1) ? ((long)table.Shards * spec.ShardSize) - faces : 0);
        // First lease to the last commit once every shard is committed (the lists and the client's poll excluded).
        double seconds = startTimestamp == 0 ? 0 : table.Done == table.Shards && lastCommitTimestamp != 0
            ? clock.GetElapsedTime(startTimestamp, lastCommitTimestamp).TotalSeconds
            : clock.GetElapsedTime(startTimestamp).TotalSeconds;
        double rate = seconds > 0 ? facesThisActivation / seconds : 0;
        return new BatchClusterProgress
        {
            Known = true,
            Shards = table.Shards,
            ShardsDone = table.Done,
            ShardsLeased = table.Leased,
            Faces = faces,
            FacesDone = done,
            FacesPerSecond = rate,
            Remaining = rate > 0 ? TimeSpan.FromSeconds((faces - done) / rate) : null,
            LeasesReissued = table.Reissued,
            Finished = table.ListsWritten,
            JobSilo = silo.SiloAddress.ToString(),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job in {Folder}: {Done}/{Shards} shards committed, lists written: {Finished}.")]
    private static partial void LogTaken(ILogger logger, string folder, int done, int shards, bool finished);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard} leased again, to {Worker}: its previous lease expired (a worker or silo stopped).")]
    private static partial void LogReissued(ILogger logger, int shard, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job in {Folder} finished: every shard committed, dataset lists written.")]
    private static partial void LogFinished(ILogger logger, string folder);
}
