using T2F.Core.Batch;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Orleans.Client;
using Xunit;

namespace T2F.Orleans.Tests;

/// <summary>
/// Jobs on 3-silo clusters of separate processes on loopback (Redis membership, the embedded default model, one
/// shard at a time per silo, one libtorch thread), against the single-process <c>BatchGenerator.Run</c>.
/// </summary>
public class ClusterTests
{
    private static readonly TimeSpan JobLimit = TimeSpan.FromMinutes(2);

    [RedisFact]
    public async Task ThreeSiloProcessesWriteTheBytesOfOneProcessAndASecondSubmissionDoesNothing()
    {
        var spec = BatchJobSpec.SampleSynthFaces(24, seed: 5) with { ShardSize = 4 };
        string root = Directory.CreateTempSubdirectory("t2f-orleans-same").FullName;
        try
        {
            string local = Path.Combine(root, "local"), distributed = Path.Combine(root, "cluster");
            using (var pipeline = TextToFacePipeline.LoadDefault())
            {
                BatchGenerator.Run(pipeline, spec, local);
            }

            await using var cluster = await LoopbackCluster.StartAsync(3);
            var client = new BatchClusterClient(cluster.Client, new BatchClusterJobOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
            var done = await client.RunAsync(spec, distributed).WaitAsync(JobLimit);
            Assert.True(done.Finished, cluster.Logs());
            Assert.Equal(spec.TotalFaces, done.FacesDone);
            DatasetAssert.Complete(spec, distributed);
            DatasetAssert.SameFiles(local, distributed);

            // Submitted again: reported finished, nothing leased, nothing written (workers poll every second).
            var stamps = DatasetAssert.Stamps(distributed);
            var again = await client.SubmitAsync(spec, distributed);
            Assert.True(again.Finished);
            Assert.Equal(0, again.ShardsLeased);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(stamps, DatasetAssert.Stamps(distributed));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [RedisFact]
    public async Task AJobSurvivesKill9OfTheSiloThatHostsItsGrainAndOfAWorkerHoldingALease()
    {
        var spec = BatchJobSpec.SampleSynthFaces(48, seed: 6) with { ShardSize = 4 };
        string folder = Directory.CreateTempSubdirectory("t2f-orleans-kill").FullName;
        try
        {
            await using var cluster = await LoopbackCluster.StartAsync(3);
            var client = new BatchClusterClient(cluster.Client, new BatchClusterJobOptions { LeaseTimeout = TimeSpan.FromSeconds(5), PollInterval = TimeSpan.FromMilliseconds(200) });
            var latest = new LatestProgress();
            var run = client.RunAsync(spec, folder, latest);

            // First kill: the silo that hosts the job grain, once a shard is committed. The grain comes back on another
            // silo without its state; the client submits again and the grain rebuilds it from the folder.
            var first = await latest.WaitAsync(p => p.ShardsDone >= 1 && p.JobSilo is not null, JobLimit);
            Assert.True(first.ShardsDone < spec.ShardCount, "the job finished before the first kill; make it longer");
            var host = cluster.Silos.Single(s => LoopbackCluster.AddressOf(s) == first.JobSilo);
            host.KillHard();

            // Second kill: another silo, while it works (a worker asks for its next lease as soon as it commits), once
            // the grain lives again elsewhere; its lease must expire and go to the last silo.
            var second = await latest.WaitAsync(p => p.Known && p.JobSilo != first.JobSilo && p.ShardsDone > first.ShardsDone && p.ShardsLeased >= 2, JobLimit);
            Assert.True(second.ShardsDone <= spec.ShardCount - 2, "the job almost finished before the second kill; make it longer");
            var survivor = cluster.Silos.Single(s => !s.HasExited && LoopbackCluster.AddressOf(s) == second.JobSilo);
            int survivorLinesBefore = survivor.Lines.Count;
            cluster.Silos.First(s => !s.HasExited && s != survivor).KillHard();

            var done = await run.WaitAsync(JobLimit);
            Assert.True(done.Finished, cluster.Logs());
            DatasetAssert.Complete(spec, folder);

            // The killed worker's shard came back to the survivor: its lease expired and was handed out again, or the
            // job grain was activated anew (Orleans may move it while membership changes) and rebuilt from the folder.
            var after = survivor.Lines.Skip(survivorLinesBefore).ToList();
            Assert.True(
                done.LeasesReissued >= 1 || after.Any(l => l.Contains("leased again", StringComparison.Ordinal) || l.Contains("shards committed, lists written: False", StringComparison.Ordinal)),
                $"nothing took over the killed worker's lease: {done}\n{string.Join("\n", after)}");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    // The last progress RunAsync reported, and a way to wait for a condition on it.
    private sealed class LatestProgress : IProgress<BatchClusterProgress>
    {
        private readonly Lock gate = new();
        private BatchClusterProgress? latest;

        public void Report(BatchClusterProgress value)
        {
            lock (gate)
            {
                latest = value;
            }
        }

        public async Task<BatchClusterProgress> WaitAsync(Func<BatchClusterProgress, bool> condition, TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            while (DateTime.UtcNow < deadline)
            {
                BatchClusterProgress? now;
                lock (gate)
                {
                    now = latest;
                }

                if (now is not null && condition(now))
                {
                    return now;
                }

                await Task.Delay(50);
            }

            throw new TimeoutException($"progress never met the condition within {limit}; last: {latest}");
        }
    }
}
