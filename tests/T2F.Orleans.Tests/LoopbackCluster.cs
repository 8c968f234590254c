using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using T2F.Orleans.Hosting;
using T2F.Samples.Batch;
using T2F.Samples.Batch.Processes;

namespace T2F.Orleans.Tests;

/// <summary>
/// A real cluster on loopback for one test: its own redis-server, N silo processes of samples/T2F.Batch
/// (<c>dotnet T2F.Batch.dll silo ...</c>, the embedded default model) and an Orleans client in the test process.
/// </summary>
internal sealed class LoopbackCluster : IAsyncDisposable
{
    private readonly RedisServer redis;
    private readonly List<ChildProcess> silos;
    private readonly IHost client;

    private LoopbackCluster(RedisServer redis, List<ChildProcess> silos, IHost client)
    {
        this.redis = redis;
        this.silos = silos;
        this.client = client;
    }

    public IClusterClient Client => client.Services.GetRequiredService<IClusterClient>();

    public IReadOnlyList<ChildProcess> Silos => silos;

    public static async Task<LoopbackCluster> StartAsync(int count)
    {
        var redis = await RedisServer.StartAsync();
        var silos = new List<ChildProcess>();
        try
        {
            var cluster = new BatchClusterOptions { Redis = redis.Endpoint, ClusterId = "t2f-test-" + Guid.NewGuid().ToString("N")[..8] };
            for (int k = 1; k <= count; k++)
            {
                silos.Add(DemoClusterCommand.StartSilo(cluster, k, model: null, threads: 1, echoWarnings: false));
            }

            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(TimeSpan.FromMinutes(2))));
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(c => c.UseBatchCluster(cluster));
            var host = builder.Build();
            await host.StartAsync();
            return new LoopbackCluster(redis, silos, host);
        }
        catch
        {
            silos.ForEach(s => s.Dispose());
            redis.Dispose();
            throw;
        }
    }

    /// <summary>The silo address a silo printed in its ready line (the address workers and job grains report).</summary>
    public static string AddressOf(ChildProcess silo)
    {
        string line = silo.Lines.First(l => l.StartsWith(SiloCommand.ReadyLine, StringComparison.Ordinal));
        int start = SiloCommand.ReadyLine.Length + 2;
        return line[start..line.IndexOf(" in cluster", start, StringComparison.Ordinal)];
    }

    /// <summary>What the silos wrote, for a failure message.</summary>
    public string Logs() => string.Join("\n", silos.SelectMany(s => s.Lines.TakeLast(15).Select(l => $"[{s.Name}] {l}")));

    public async ValueTask DisposeAsync()
    {
        await client.StopAsync();
        client.Dispose();
        await Task.WhenAll(silos.Select(s => Task.Run(s.Dispose)));
        redis.Dispose();
    }
}
