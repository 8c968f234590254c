// A closed-loop load test of a running T2F.Web server, for the README's table:
//   dotnet run --project benchmarks/T2F.LoadTest -c Release -- --url http://127.0.0.1:5000 --requests 2000 --concurrency 16 [--server-pid PID]
// Request i asks GET /api/faces.png for one of 8 descriptions with seed i mod 64 (so identical requests recur).
using System.CommandLine;
using System.Globalization;
using T2F.LoadTest;
using T2F.Samples.Shared;

// Options, defaults and bounds as README and docs/benchmarks/serving.md use them.
var url = SampleOptions.Parsed("--url", "URL", "the T2F.Web server's absolute URL", "an absolute URL, e.g. http://127.0.0.1:5000", text => Uri.TryCreate(text, UriKind.Absolute, out var address) ? address : null);
url.DefaultValueFactory = _ => new Uri("http://127.0.0.1:5000");
var requests = SampleOptions.Int("--requests", "N", "requests in all", 2000, min: 1, max: 10_000_000);
var concurrency = SampleOptions.Int("--concurrency", "C", "requests in flight at once", 16, min: 1, max: 4096);
var serverPid = SampleOptions.OptionalInt("--server-pid", "PID", "the server's process id, to report its peak resident memory (Linux; default: not measured)", min: 1);
var root = SampleCommandLine.CreateRoot("T2F.LoadTest", "A closed-loop load test of a running T2F.Web server: request i asks GET /api/faces.png for one of 8 descriptions with seed i mod 64; prints a markdown row (throughput, latency percentiles, statuses, server peak RSS). Exit code 1 when a request failed.",
    url, requests, concurrency, serverPid);
root.SetAction(r => RunAsync(r.GetValue(url)!, r.GetValue(requests), r.GetValue(concurrency), r.GetValue(serverPid)).GetAwaiter().GetResult());
try
{
    // An ArgumentException (a URL HttpClient cannot use) is a usage error, as before System.CommandLine.
    return SampleCommandLine.Invoke(root, args, e => e is ArgumentException);
}
catch (HttpRequestException e)
{
    // A failed connection exits 2 too, as before System.CommandLine.
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static async Task<int> RunAsync(Uri address, int requests, int concurrency, int? pid)
{
    string[] texts =
    [
        "The woman has blond hair and is smiling.", "The man has black hair and a beard.", "The young woman wears eyeglasses.",
        "The man is bald and has a mustache.", "The woman has brown wavy hair and heavy makeup.", "The old man has gray hair.",
        "The woman has bangs and wears lipstick.", "The man has a goatee and bushy eyebrows.",
    ];
    using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
    var result = await LoadClient.RunAsync(client, requests, concurrency, i => string.Create(CultureInfo.InvariantCulture, $"/api/faces.png?text={Uri.EscapeDataString(texts[i % texts.Length])}&seed={i % 64}&truncation=0.7"));
    long? peak = pid is int p ? LoadClient.PeakResidentBytes(p) : null;
    Console.WriteLine(result.ToMarkdown(peak is long b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:F0} MB") : "not measured (--server-pid)"));
    return result.Failures == 0 ? 0 : 1;
}
