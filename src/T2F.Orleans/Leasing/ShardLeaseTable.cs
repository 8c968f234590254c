namespace T2F.Orleans.Leasing;

/// <summary>
/// Which shards of one job are committed, which are leased to which worker until when, and which are left: the
/// in-memory bookkeeping of <see cref="Jobs.BatchJobGrain"/>. A lease that is not renewed before it expires (its
/// worker died, or its silo) is handed to the next worker that asks; the shard may then be generated twice, which is
/// harmless (same bytes, atomic renames). Once every shard is committed, one more unit of work is leased the same way:
/// writing the dataset lists. Not thread-safe: a grain runs one call at a time.
/// </summary>
internal sealed class ShardLeaseTable
{
    private readonly bool[] committed;
    private readonly Dictionary<int, Lease> leases = [];
    private readonly TimeSpan timeout;
    private readonly TimeProvider clock;
    private int cursor;
    private Lease? listsLease;

    /// <summary>A table of <paramref name="shards"/> shards, none committed.</summary>
    /// <param name="shards">Shards of the job.</param>
    /// <param name="timeout">How long a lease lasts without renewal.</param>
    /// <param name="clock">The time source (a fake one in tests).</param>
    public ShardLeaseTable(int shards, TimeSpan timeout, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        committed = new bool[shards];
        this.timeout = timeout;
        this.clock = clock;
    }

    /// <summary>Shards of the job.</summary>
    public int Shards => committed.Length;

    /// <summary>Shards committed.</summary>
    public int Done { get; private set; }

    /// <summary>Leases handed out again after they expired (each one a worker that stopped renewing).</summary>
    public int Reissued { get; private set; }

    /// <summary>Whether the dataset lists are written (the job is finished).</summary>
    public bool ListsWritten { get; private set; }

    /// <summary>Shards leased now (leases not yet expired), the lists task excluded.</summary>
    public int Leased
    {
        get
        {
            var now = clock.GetUtcNow();
            return leases.Values.Count(l => l.Expires > now);
        }
    }

    /// <summary>Whether shard <paramref name="shard"/> is committed.</summary>
    public bool IsCommitted(int shard) => committed[shard];

    /// <summary>Records a shard found committed in the output folder, or reported committed by a worker.</summary>
    /// <returns>True when the shard was not committed before.</returns>
    public bool Commit(int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, Shards);
        leases.Remove(shard);
        if (committed[shard])
        {
            return false;
        }

        committed[shard] = true;
        Done++;
        return true;
    }

    /// <summary>Records that the dataset lists are written.</summary>
    public void CommitLists()
    {
        if (Done != Shards)
        {
            throw new InvalidOperationException($"The lists were reported written with {Shards - Done} shards not committed.");
        }

        ListsWritten = true;
        listsLease = null;
    }

    /// <summary>
    /// Leases the next unit of work to <paramref name="worker"/>: an expired lease first (its worker is presumed dead),
    /// then the lowest shard never leased, then, once every shard is committed, the lists task.
    /// </summary>
    /// <returns>The shard (<see cref="ShardLease.ListsShard"/> for the lists task), or null when nothing is free now.</returns>
    public int? TryLease(string worker)
    {
        var now = clock.GetUtcNow();
        foreach (var (shard, lease) in leases)
        {
            if (lease.Expires <= now)
            {
                leases[shard] = new Lease(worker, now + timeout);
                Reissued++;
                return shard;
            }
        }

        while (cursor < Shards && (committed[cursor] || leases.ContainsKey(cursor)))
        {
            cursor++;
        }

        if (cursor < Shards)
        {
            leases[cursor] = new Lease(worker, now + timeout);
            return cursor;
        }

        if (Done == Shards && !ListsWritten && (listsLease is null || listsLease.Expires <= now))
        {
            if (listsLease is not null)
            {
                Reissued++;
            }

            listsLease = new Lease(worker, now + timeout);
            return ShardLease.ListsShard;
        }

        return null;
    }

    /// <summary>Extends <paramref name="worker"/>'s lease of <paramref name="shard"/> by the lease timeout.</summary>
    /// <returns>False when the worker no longer holds it (it expired and went to another worker, or it is committed).</returns>
    public bool Renew(int shard, string worker)
    {
        var expires = clock.GetUtcNow() + timeout;
        if (shard == ShardLease.ListsShard)
        {
            if (listsLease?.Worker != worker)
            {
                return false;
            }

            listsLease = listsLease with { Expires = expires };
            return true;
        }

        if (!leases.TryGetValue(shard, out var lease) || lease.Worker != worker)
        {
            return false;
        }

        leases[shard] = lease with { Expires = expires };
        return true;
    }

    /// <summary>Gives a lease back unfinished (a worker that stops): the next worker that asks gets it.</summary>
    public void Release(int shard, string worker)
    {
        var now = clock.GetUtcNow();
        if (shard == ShardLease.ListsShard && listsLease?.Worker == worker)
        {
            listsLease = listsLease with { Expires = now };
        }
        else if (leases.TryGetValue(shard, out var lease) && lease.Worker == worker)
        {
            leases[shard] = lease with { Expires = now };
        }
    }

    private sealed record Lease(string Worker, DateTimeOffset Expires);
}
