// Batch generation of labelled synthetic face datasets: on one machine, or on a cluster of Orleans silos.
//   dotnet run --project samples/T2F.Batch -c Release -- local --synthfaces 1000 --seed 0 --out out/batch
//   dotnet run --project samples/T2F.Batch -c Release -- demo-cluster --silos 3 --synthfaces 1000 --out out/batch
// Rerunning the same command continues where a killed or interrupted run stopped; Ctrl+C / SIGTERM stop after the
// current face and keep every committed shard.
using System.CommandLine;
using Orleans.Runtime;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

public static class Program
{
    public static int Main(string[] args) => SampleCommandLine.Invoke(CreateCommand(), args);

    // Verbs, options, defaults and bounds as README and benchmarks/batch-scaling.sh use them.
    private static RootCommand CreateCommand()
    {
        var root = SampleCommandLine.CreateRoot("T2F.Batch", "Batch generation of labelled synthetic face datasets, on one machine or on a cluster of Orleans silos. A job is --spec FILE.jsonl or --synthfaces N, written to --out DIR; rerunning the same command continues where a killed or interrupted run stopped, and Ctrl+C / SIGTERM stop after the current face and keep every committed shard.");
        root.Subcommands.Add(LocalCommand.Create());
        root.Subcommands.Add(SiloCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(DemoClusterCommand.Create());
        return root;
    }

    /// <summary>
    /// A verb's action in two phases: <paramref name="prepare"/> reads and checks the job (a bad option value, job
    /// file or model folder is a usage error, exit 2, before anything starts), then the command runs until done (0),
    /// stopped by Ctrl+C / SIGTERM (130), or failed (1).
    /// </summary>
    internal static int Run(Func<Func<CancellationToken, Task<int>>> prepare)
    {
        Func<CancellationToken, Task<int>> command;
        try
        {
            command = prepare();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            throw new UsageException(e.Message, e);
        }

        using var stop = new StopSignal();
        try
        {
            return command(stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            Console.WriteLine();
            Console.Error.WriteLine("Stopped; every committed shard is kept (a submitted job goes on while its silos run). Rerun the same command to continue.");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException or TimeoutException or OrleansException or StackExchange.Redis.RedisException)
        {
            Console.WriteLine();
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
