using System.Globalization;
using System.Net;
using T2F.Core.Tests.TestSupport;
using T2F.LoadTest;
using Xunit;
using Xunit.Abstractions;

namespace T2F.Web.Tests;

/// <summary>
/// A bounded load test on loopback through Kestrel: 2,000 requests at concurrency 16 against the test pipeline. It
/// measures the server around the model (routing, validation, queue, PNG encoding, logging), not the model.
/// </summary>
public class LoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TwoThousandRequestsAtConcurrency16AllSucceedAndMemoryStaysFlat()
    {
        using var factory = new FaceServerFactory(settings: new() { ["MaxConcurrency"] = "2", ["MaxQueueLength"] = "32" }, kestrel: true);
        factory.StartServer();
        using var client = new HttpClient { BaseAddress = factory.Address, Timeout = TimeSpan.FromMinutes(2) };
        static string Path(int i) => string.Create(CultureInfo.InvariantCulture, $"/api/faces.png?text=face%20{i % 8}&seed={i % 64}&truncation=0.7");

        var warmUp = await LoadClient.RunAsync(client, 200, 16, Path);
        Assert.Equal(0, warmUp.Failures);
        long before = ProcessMemory.ResidentBytesAfterCollection();

        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            while (!sampling.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                await Task.Delay(20);
            }
        });
        var result = await LoadClient.RunAsync(client, 2000, 16, Path);
        sampling.Cancel();
        await sampler;
        long after = ProcessMemory.ResidentBytesAfterCollection();

        string table = result.ToMarkdown(string.Create(CultureInfo.InvariantCulture, $"{peak / 1048576.0:F0} MB (test process)"));
        string report = string.Create(CultureInfo.InvariantCulture, $"{table}\n\nRSS after warm-up {before / 1048576.0:F0} MB, after the run {after / 1048576.0:F0} MB (after a full collection).\n");
        output.WriteLine(report);
        File.WriteAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "load-test.md"), report);

        // Queue (32) >= concurrency (16): nothing may be refused, and nothing may fail.
        Assert.Equal(0, result.Failures);
        Assert.Equal(new Dictionary<int, int> { [(int)HttpStatusCode.OK] = 2000 }, result.StatusCounts);
        Assert.True(after - before < 64L << 20, $"RSS grew by {(after - before) >> 20} MB over 2,000 requests");
    }
}
