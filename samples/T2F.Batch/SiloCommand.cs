using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using T2F.Orleans.Hosting;
using T2F.Orleans.Workers;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary><c>silo</c>: one silo of a batch cluster with its worker, until Ctrl+C or SIGTERM.</summary>
internal static class SiloCommand
{
    /// <summary>The line a silo prints once it has joined the cluster with its model loaded.</summary>
    public const string ReadyLine = "T2F.Batch silo ready";

    public static Func<CancellationToken, Task<int>> Parse(Dictionary<string, string> o)
    {
        CommandLineOptions.Allow(o, "redis", "cluster", "model", "threads", "address", "silo-port", "gateway-port");
        var cluster = ClusterArguments.Parse(o);
        string? model = ModelArguments.ModelFolder(o);
        int threads = ModelArguments.Threads(o, Environment.ProcessorCount);
        int siloPort = CommandLineOptions.Int(o, "silo-port", 11111, 1);
        int gatewayPort = CommandLineOptions.Int(o, "gateway-port", 30000, 1);
        IPAddress? address = null;
        if (o.TryGetValue("address", out var text) && !IPAddress.TryParse(text, out address))
        {
            throw new ArgumentException($"--address must be this machine's IP address as the other silos reach it; got '{text}'.");
        }

        return stop => RunAsync(cluster, model, threads, address, siloPort, gatewayPort, stop);
    }

    private static async Task<int> RunAsync(BatchClusterOptions cluster, string? model, int threads, IPAddress? address, int siloPort, int gatewayPort, CancellationToken stop)
    {
        // Loaded before the silo joins: a bad bundle stops here, and a silo that says it is ready can work at once.
        TorchSharp.torch.set_num_threads(1);
        var pipeline = ModelArguments.Load(model);
        var builder = Host.CreateApplicationBuilder();
        ClusterArguments.QuietLogging(builder.Logging);
        builder.Logging.AddFilter("T2F.Orleans", LogLevel.Information);
        builder.UseOrleans(silo =>
        {
            silo.UseBatchCluster(cluster);
            if (address is null)
            {
                silo.ConfigureEndpoints(siloPort, gatewayPort);
            }
            else
            {
                silo.ConfigureEndpoints(address, siloPort, gatewayPort);
            }

            silo.AddBatchWorker(new BatchWorkerOptions { LoadPipeline = () => pipeline, ParallelShards = threads });
        });
        using var host = builder.Build();
        await host.StartAsync(stop);
        var self = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ReadyLine}: {self} in cluster {cluster.ClusterId} (Redis {cluster.Redis}), {threads} shards at once (one libtorch thread each), model {model ?? "default"}."));
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        // Leaving gracefully: the worker gives its lease back and the silo leaves the membership table.
        await host.StopAsync(CancellationToken.None);
        Console.WriteLine("T2F.Batch silo stopped.");
        return 0;
    }
}
