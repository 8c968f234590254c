using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Web.Tests;

/// <summary>The sample as a user starts it: <c>dotnet T2F.Web.dll --model DIR</c>, a real process on loopback.</summary>
public class WebProcessTests
{
    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "T2F.Web.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Started from elsewhere, as "dotnet run --project samples/T2F.Web" from the repository root is: the page and
        // appsettings.json must still come from the app's own folder.
        info.WorkingDirectory = Path.GetTempPath();
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Process.Start(info)!;
    }

    private static async Task<(int Exit, string Error)> RunToExit(params string[] args)
    {
        using var process = Start(args);
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error);
    }

    [Theory]
    [InlineData(new[] { "--model", "/nonexistent/bundle" }, "/nonexistent/bundle")]
    [InlineData(new[] { "--model", "x", "--Faces:MaxFaces", "0" }, "error: Faces:MaxFaces must be in [2, 256]; got 0.")]
    [InlineData(new[] { "--model", "x", "--threads", "-3" }, "error: Faces:Threads must be in [0, 1024]; got -3.")]
    public async Task BadStartUpGetsOneLineAndExitCode2(string[] args, string message)
    {
        var (exit, error) = await RunToExit(args);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task WithoutModelItServesTheEmbeddedDefaultModel()
    {
        using var process = Start("--threads", "1", "--urls", "http://127.0.0.1:0");
        try
        {
            var address = await Listening(process);
            using var client = new HttpClient { BaseAddress = address };
            var info = await client.GetStringAsync("/api/info");
            Assert.Contains("\"resolution\":64", info);
            Assert.Contains("\"encoder\":\"all-MiniLM-L6-v2\"", info);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task<Uri> Listening(Process process, System.Collections.Concurrent.ConcurrentQueue<string>? log = null)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log?.Enqueue(e.Data);
            }

            var match = e.Data is null ? null : Regex.Match(e.Data, @"Now listening on: (http://\S+)");
            if (match is { Success: true })
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return await listening.Task.WaitAsync(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task ServesABundleFromDiskAndStopsCleanlyOnSigterm()
    {
        // A 16x16 bundle whose projector takes MiniLM's 384-d embeddings, saved as the training recipe saves one.
        string folder = Path.Combine(Path.GetTempPath(), $"t2f-web-bundle-{Guid.NewGuid():N}");
        using (var generator = StyleGan2Model.Create(TinyPipeline.GeneratorConfig, seed: 5))
        using (var pipeline = new TextToFacePipeline(new HashTextEncoder(384), new MlpLatentProjector(new LatentProjectorConfig(384, 16, generator.LatentCount, LatentSpace.WPlus, 32, 2, 4)), generator, T2F.Models.MiniLM.MiniLM.EncoderName, ownsEncoder: true))
        {
            pipeline.Save(folder);
        }

        using var process = Start("--model", folder, "--threads", "1", "--urls", "http://127.0.0.1:0");
        try
        {
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var address = await Listening(process, log);

            using var client = new HttpClient { BaseAddress = address };
            Assert.Equal("Healthy", await client.GetStringAsync("/health"));
            using var png = await client.GetAsync("/api/faces.png?text=The%20man%20has%20a%20beard.&seed=4");
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            byte[] bytes = await png.Content.ReadAsByteArrayAsync();
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
            Assert.Contains("<title>T2F text to face</title>", await client.GetStringAsync("/"));

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);

            // appsettings.json was read (it turns ASP.NET Core's own per-request lines off) and our timing line is there.
            Assert.Contains(log, l => l.Contains("GET /api/faces.png 200 in ", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.Contains("Request finished", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            Directory.Delete(folder, true);
        }
    }
}
