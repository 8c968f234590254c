using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace T2F.Samples.Batch.Processes;

/// <summary>
/// A child process this program started and owns: its output lines are kept (and echoed when asked), it is stopped
/// with SIGTERM (then SIGKILL after a grace period) on <see cref="Dispose"/>, and it can be killed with SIGKILL.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly TaskCompletionSource<string> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string readyMarker;

    private ChildProcess(Process process, string readyMarker, string name, Func<string, bool>? echo)
    {
        this.process = process;
        this.readyMarker = readyMarker;
        Name = name;
        process.OutputDataReceived += (_, e) => Received(e.Data, echo);
        process.ErrorDataReceived += (_, e) => Received(e.Data, echo);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{name} exited with code {process.ExitCode} before it was ready: {string.Join(" | ", lines.TakeLast(5))}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The name its lines are echoed with.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Every line it wrote so far (stdout and stderr).</summary>
    public IReadOnlyCollection<string> Lines => lines;

    /// <summary>Starts <paramref name="file"/> with <paramref name="arguments"/>.</summary>
    /// <param name="file">The executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="readyMarker">The text of the output line that says it is ready.</param>
    /// <param name="name">The name its echoed lines carry.</param>
    /// <param name="echo">Which lines to echo on this console (none when null).</param>
    public static ChildProcess Start(string file, IEnumerable<string> arguments, string readyMarker, string name, Func<string, bool>? echo = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.Start();
        return new ChildProcess(process, readyMarker, name, echo);
    }

    /// <summary>Starts this program again (same executable, or same dll under the dotnet host) with <paramref name="arguments"/>.</summary>
    public static ChildProcess StartThisProgram(IEnumerable<string> arguments, string readyMarker, string name, Func<string, bool>? echo = null)
    {
        string dll = typeof(ChildProcess).Assembly.Location;
        string? host = Environment.ProcessPath;
        if (host is not null && Path.GetFileNameWithoutExtension(host) == Path.GetFileNameWithoutExtension(dll))
        {
            return Start(host, arguments, readyMarker, name, echo);
        }

        // Under the dotnet host (dotnet run, dotnet T2F.Batch.dll) or inside another program (a test host): the dll.
        string dotnet = host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return Start(dotnet, new[] { dll }.Concat(arguments), readyMarker, name, echo);
    }

    /// <summary>A TCP port on loopback that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits for the ready line.</summary>
    /// <exception cref="TimeoutException">It did not say it was ready within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">It exited first.</exception>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await ready.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not start within {timeout.TotalSeconds:F0} s: {string.Join(" | ", lines.TakeLast(5))}");
        }
    }

    /// <summary>SIGKILL: the process dies at once, as a machine that loses power (no cleanup of any kind).</summary>
    public void KillHard()
    {
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Stops it: SIGTERM, then SIGKILL if it is still running after <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        // .NET's Process.Kill sends only SIGKILL; SIGTERM lets the child stop gracefully.
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        if (!process.WaitForExit(grace))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(10));
        process.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} (pid {Id})");

    private void Received(string? line, Func<string, bool>? echo)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        if (line.Contains(readyMarker, StringComparison.Ordinal))
        {
            ready.TrySetResult(line);
        }

        if (echo?.Invoke(line) == true)
        {
            Console.WriteLine($"[{Name}] {(line.Length > 300 ? line[..300] + "..." : line)}");
        }
    }
}
