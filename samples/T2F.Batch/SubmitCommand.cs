using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using T2F.Core.Batch;
using T2F.Orleans.Client;
using T2F.Orleans.Hosting;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary><c>submit</c>: sends a job to a running cluster, shows its progress and waits until it is finished.</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var job = new JobArguments();
        var redis = ClusterArguments.Redis(required: true, "HOST:PORT of the cluster's redis-server (its membership table)");
        var cluster = ClusterArguments.Cluster();
        var leaseSeconds = LeaseSeconds();
        var command = new Command("submit", "Sends the job to a running cluster, shows its progress and waits until it is finished.");
        job.AddTo(command);
        command.Options.Add(redis);
        command.Options.Add(cluster);
        command.Options.Add(leaseSeconds);
        command.SetAction(r => Program.Run(() =>
        {
            string output = Path.GetFullPath(job.Output(r));
            var target = new BatchClusterOptions { Redis = r.GetValue(redis)!, ClusterId = r.GetRequiredValue(cluster) };
            var spec = job.Parse(r);
            var options = JobOptions(r.GetValue(leaseSeconds));
            return stop => FollowAsync(target, spec, output, options, stop);
        }));
        return command;
    }

    /// <summary>--lease-seconds S: how long the shards of a silo that dies wait before another silo takes them.</summary>
    public static Option<int> LeaseSeconds()
        => SampleOptions.Int("--lease-seconds", "S", "seconds a stopped silo's shard waits before another silo takes it", 60, min: 1);

    /// <summary>The job options of <c>--lease-seconds</c>.</summary>
    public static BatchClusterJobOptions JobOptions(int leaseSeconds)
        => new() { LeaseTimeout = TimeSpan.FromSeconds(leaseSeconds) };

    /// <summary>Connects a client to the cluster, runs the job to the end and prints its progress.</summary>
    public static async Task<int> FollowAsync(BatchClusterOptions cluster, BatchJobSpec spec, string output, BatchClusterJobOptions options, CancellationToken stop)
    {
        var builder = Host.CreateApplicationBuilder();
        ClusterArguments.QuietLogging(builder.Logging);
        builder.UseOrleansClient(client => client.UseBatchCluster(cluster));
        using var host = builder.Build();
        await host.StartAsync(stop);
        try
        {
            var client = new BatchClusterClient(host.Services.GetRequiredService<IClusterClient>(), options);
            Console.WriteLine($"{spec.TotalFaces} faces in {spec.ShardCount} shards of {spec.ShardSize} -> {output} (cluster {cluster.ClusterId}, Redis {cluster.Redis})");
            var done = await client.RunAsync(spec, output, new ConsoleProgress(), stop);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done: {done.Faces} faces in {output}; {done.FacesPerSecond:F1} faces/s (job grain: first lease to last commit), {done.LeasesReissued} leases reissued."));
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    // One console line, rewritten at every poll.
    private sealed class ConsoleProgress : IProgress<BatchClusterProgress>
    {
        public void Report(BatchClusterProgress p) => Console.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{p.ShardsDone}/{p.Shards} shards, {p.ShardsLeased} leased] {p.FacesDone}/{p.Faces} faces, {p.FacesPerSecond:F1} faces/s, ETA {p.Remaining:hh\\:mm\\:ss}   "));
    }
}
