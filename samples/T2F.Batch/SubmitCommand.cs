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
    public static Func<CancellationToken, Task<int>> Parse(Dictionary<string, string> o)
    {
        CommandLineOptions.Allow(o, [.. JobArguments.Names, "redis", "cluster", "lease-seconds"]);
        string output = Path.GetFullPath(CommandLineOptions.Required(o, "out"));
        var cluster = ClusterArguments.Parse(o);
        var spec = JobArguments.Parse(o);
        var options = JobOptions(o);
        return stop => FollowAsync(cluster, spec, output, options, stop);
    }

    /// <summary>--lease-seconds S (default 60): how long the shards of a silo that dies wait before another silo takes them.</summary>
    public static BatchClusterJobOptions JobOptions(Dictionary<string, string> o)
        => new() { LeaseTimeout = TimeSpan.FromSeconds(CommandLineOptions.Int(o, "lease-seconds", 60, 1)) };

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
