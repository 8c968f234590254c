using System.CommandLine;
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

    public static Command Create()
    {
        var redis = ClusterArguments.Redis(required: true, "HOST:PORT of the cluster's redis-server (its membership table)");
        var cluster = ClusterArguments.Cluster();
        var model = ModelArguments.Model();
        var threads = ModelArguments.Threads("the cores");
        var address = SampleOptions.Parsed("--address", "IP", "this machine's IP address as the other silos reach it (default: this machine's first address)", "this machine's IP address as the other silos reach it",
            text => IPAddress.TryParse(text, out var ip) ? ip : null);
        var siloPort = SampleOptions.Int("--silo-port", "P", "port of silo-to-silo traffic", 11111, min: 1, max: 65535);
        var gatewayPort = SampleOptions.Int("--gateway-port", "G", "port clients connect to", 30000, min: 1, max: 65535);
        var command = new Command("silo", "Runs one silo of a cluster (Redis membership): loads the model, takes shards until Ctrl+C or SIGTERM.")
        {
            redis, cluster, model, threads, address, siloPort, gatewayPort,
        };
        command.SetAction(r => Program.Run(() =>
        {
            var target = new BatchClusterOptions { Redis = r.GetValue(redis)!, ClusterId = r.GetRequiredValue(cluster) };
            string? folder = ModelArguments.ModelFolder(r.GetValue(model));
            int shardsAtOnce = r.GetValue(threads) ?? Environment.ProcessorCount;
            IPAddress? ip = r.GetValue(address);
            int silo = r.GetValue(siloPort), gateway = r.GetValue(gatewayPort);
            return stop => RunAsync(target, folder, shardsAtOnce, ip, silo, gateway, stop);
        }));
        return command;
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
