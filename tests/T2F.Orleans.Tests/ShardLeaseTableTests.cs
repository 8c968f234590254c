using T2F.Orleans.Leasing;
using Xunit;

namespace T2F.Orleans.Tests;

/// <summary>The job grain's lease bookkeeping, in process, with a clock that moves only when the test says.</summary>
public class ShardLeaseTableTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void LeasesEachShardOnceThenTheListsOnceEveryShardIsCommitted()
    {
        var table = new ShardLeaseTable(3, Timeout, new ManualClock());
        Assert.Equal(0, table.TryLease("a"));
        Assert.Equal(1, table.TryLease("b"));
        Assert.Equal(2, table.TryLease("a"));
        Assert.Null(table.TryLease("c"));
        Assert.Equal(3, table.Leased);

        Assert.True(table.Commit(1));
        Assert.False(table.Commit(1));
        Assert.True(table.Commit(0));
        Assert.Null(table.TryLease("c"));
        Assert.True(table.Commit(2));
        Assert.Equal(3, table.Done);
        Assert.Equal(ShardLease.ListsShard, table.TryLease("c"));
        Assert.Null(table.TryLease("a"));
        table.CommitLists();
        Assert.True(table.ListsWritten);
        Assert.Null(table.TryLease("a"));
        Assert.Equal(0, table.Reissued);
    }

    [Fact]
    public void AnExpiredLeaseGoesToTheNextWorkerAndARenewedOneDoesNot()
    {
        var clock = new ManualClock();
        var table = new ShardLeaseTable(2, Timeout, clock);
        Assert.Equal(0, table.TryLease("dead"));
        Assert.Equal(1, table.TryLease("alive"));

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.True(table.Renew(1, "alive"));
        Assert.False(table.Renew(1, "dead"));
        Assert.Null(table.TryLease("other"));

        // 61 s after the first lease: "dead" never renewed shard 0, "alive" renewed shard 1 at 40 s (expires at 100 s).
        clock.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal(1, table.Leased);
        Assert.Equal(0, table.TryLease("other"));
        Assert.Equal(1, table.Reissued);
        Assert.Null(table.TryLease("third"));
        Assert.False(table.Renew(0, "dead"));
        Assert.True(table.Renew(0, "other"));

        // The late worker finishes anyway: the commit counts once, whoever reports it.
        Assert.True(table.Commit(0));
        Assert.False(table.Commit(0));
        Assert.True(table.Commit(1));
        Assert.Equal(2, table.Done);
        Assert.Equal(0, table.Leased);
    }

    [Fact]
    public void TheListsTaskIsLeasedAgainWhenItsWorkerStops()
    {
        var clock = new ManualClock();
        var table = new ShardLeaseTable(1, Timeout, clock);
        Assert.Equal(0, table.TryLease("a"));
        table.Commit(0);
        Assert.Equal(ShardLease.ListsShard, table.TryLease("a"));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(table.Renew(ShardLease.ListsShard, "a"));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(table.TryLease("b"));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(ShardLease.ListsShard, table.TryLease("b"));
        Assert.Equal(1, table.Reissued);
        Assert.False(table.Renew(ShardLease.ListsShard, "a"));
    }

    [Fact]
    public void AReleasedLeaseIsFreeAtOnceAndOnlyItsHolderCanReleaseIt()
    {
        var table = new ShardLeaseTable(2, Timeout, new ManualClock());
        Assert.Equal(0, table.TryLease("a"));
        table.Release(0, "b");
        Assert.Equal(1, table.TryLease("b"));
        Assert.Null(table.TryLease("c"));
        table.Release(0, "a");
        Assert.Equal(0, table.TryLease("c"));
    }

    [Fact]
    public void ShardsFoundCommittedInTheFolderAreNeverLeased()
    {
        var table = new ShardLeaseTable(4, Timeout, new ManualClock());
        table.Commit(0);
        table.Commit(2);
        Assert.Equal(1, table.TryLease("a"));
        Assert.Equal(3, table.TryLease("a"));
        Assert.Null(table.TryLease("a"));
        Assert.Throws<InvalidOperationException>(table.CommitLists);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Commit(4));
    }
}
