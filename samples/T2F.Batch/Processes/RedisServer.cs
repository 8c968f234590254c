using System.Globalization;

namespace T2F.Samples.Batch.Processes;

/// <summary>
/// A throw-away redis-server for a cluster's membership table: on a free loopback port, nothing saved to disk, stopped
/// on <see cref="Dispose"/>.
/// </summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>The command that installs it on Debian.</summary>
    public const string InstallCommand = "apt-get install -y redis-server";

    private readonly ChildProcess process;

    private RedisServer(ChildProcess process, int port)
    {
        this.process = process;
        Endpoint = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
    }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The redis-server executable on PATH, or null.</summary>
    public static string? Find()
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <summary>Starts one and waits until it accepts connections.</summary>
    /// <exception cref="FileNotFoundException">redis-server is not installed.</exception>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        string executable = Find() ?? throw new FileNotFoundException($"redis-server is not installed; {InstallCommand}, or pass --redis HOST:PORT of a running one.");
        int port = ChildProcess.FreePort();
        var process = ChildProcess.Start(
            executable,
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no"],
            "Ready to accept connections",
            "redis");
        try
        {
            await process.WaitReadyAsync(TimeSpan.FromSeconds(20), cancellationToken);
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new RedisServer(process, port);
    }

    /// <inheritdoc />
    public void Dispose() => process.Dispose();
}
