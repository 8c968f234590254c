using System.CommandLine;
using System.Globalization;
using T2F.Core.Batch;
using T2F.Orleans.Client;
using T2F.Orleans.Hosting;
using T2F.Samples.Batch.Processes;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary>
/// <c>demo-cluster</c>: a whole cluster on this machine for one job: a redis-server (unless --redis names one), N silo
/// processes on loopback and a client; everything it started is stopped at the end, on error and on Ctrl+C.
/// </summary>
internal static class DemoClusterCommand
{
    public static Command Create()
    {
        var job = new JobArguments();
        var silos = SampleOptions.Int("--silos", "N", "silo processes on loopback", 3, min: 1, max: 16);
        var redis = ClusterArguments.Redis(required: false, "HOST:PORT of a running redis-server to use (default: start one, nothing saved)");
        var model = ModelArguments.Model();
        var threads = ModelArguments.Threads("the cores / silos");
        var leaseSeconds = SubmitCommand.LeaseSeconds();
        var command = new Command("demo-cluster", "Starts redis-server (unless --redis), N silo processes on loopback and a client, for one job; stops everything it started. Writes the same bytes as local.");
        job.AddTo(command);
        foreach (var option in new Option[] { silos, redis, model, threads, leaseSeconds })
        {
            command.Options.Add(option);
        }

        command.SetAction(r => Program.Run(() =>
        {
            string output = Path.GetFullPath(job.Output(r));
            int count = r.GetValue(silos);
            var spec = job.Parse(r);
            string? folder = ModelArguments.ModelFolder(r.GetValue(model));
            int shardsAtOnce = r.GetValue(threads) ?? Math.Max(1, Environment.ProcessorCount / count);
            string? endpoint = r.GetValue(redis);
            if (endpoint is null && RedisServer.Find() is null)
            {
                throw new UsageException($"redis-server is not installed; {RedisServer.InstallCommand}, or pass --redis HOST:PORT of a running one.");
            }

            var options = SubmitCommand.JobOptions(r.GetValue(leaseSeconds));
            return stop => RunAsync(spec, output, count, folder, shardsAtOnce, endpoint, options, stop);
        }));
        return command;
    }

    private static async Task<int> RunAsync(BatchJobSpec spec, string output, int count, string? model, int threads, string? redis, BatchClusterJobOptions options, CancellationToken stop)
    {
        RedisServer? server = null;
        var silos = new List<ChildProcess>();
        try
        {
            if (redis is null)
            {
                server = await RedisServer.StartAsync(stop);
                redis = server.Endpoint;
                Console.WriteLine($"Started redis-server on {redis} (membership table, nothing saved).");
            }

            // A cluster id of its own, so that a shared Redis never mixes this demo's silos with others.
            var cluster = new BatchClusterOptions { Redis = redis, ClusterId = "t2f-demo-" + Guid.NewGuid().ToString("N")[..8] };
            for (int k = 1; k <= count; k++)
            {
                silos.Add(StartSilo(cluster, k, model, threads, echoWarnings: true));
            }

            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(TimeSpan.FromMinutes(2), stop)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} silos ready ({threads} shards at once each): {string.Join(", ", silos)}."));
            return await SubmitCommand.FollowAsync(cluster, spec, output, options, stop);
        }
        finally
        {
            // Parallel: each silo leaves the cluster gracefully (its lease goes back), then Redis stops.
            await Task.WhenAll(silos.Select(s => Task.Run(s.Dispose, CancellationToken.None)));
            server?.Dispose();
            if (silos.Count > 0 || server is not null)
            {
                Console.WriteLine($"Stopped {silos.Count} silos{(server is null ? string.Empty : " and redis-server")}.");
            }
        }
    }

    /// <summary>Starts silo <paramref name="k"/> of a loopback cluster as a child process of this program.</summary>
    public static ChildProcess StartSilo(BatchClusterOptions cluster, int k, string? model, int threads, bool echoWarnings)
    {
        var arguments = new List<string>
        {
            "silo", "--redis", cluster.Redis, "--cluster", cluster.ClusterId, "--address", "127.0.0.1",
            "--silo-port", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--threads", threads.ToString(CultureInfo.InvariantCulture),
        };
        if (model is not null)
        {
            arguments.AddRange(["--model", model]);
        }

        // The silos' warnings and errors show on this console (lease reissues, a silo declared dead), cut to one line.
        return ChildProcess.StartThisProgram(arguments, SiloCommand.ReadyLine, $"silo {k}", echoWarnings ? IsWarning : null);
    }

    private static bool IsWarning(string line)
        => line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
}
