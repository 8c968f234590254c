// A closed-loop load test of a running T2F.Web server, for the README's table:
//   dotnet run --project benchmarks/T2F.LoadTest -c Release -- --url http://127.0.0.1:5000 --requests 2000 --concurrency 16 [--server-pid PID]
// Request i asks GET /api/faces.png for one of 8 descriptions with seed i mod 64 (so identical requests recur).
using System.Globalization;
using T2F.LoadTest;

string url = "http://127.0.0.1:5000";
int requests = 2000, concurrency = 16;
int? pid = null;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i++])
        {
            case "--url": url = value; break;
            case "--requests": requests = Bounded(value, "--requests", 1, 10_000_000); break;
            case "--concurrency": concurrency = Bounded(value, "--concurrency", 1, 4096); break;
            case "--server-pid": pid = Bounded(value, "--server-pid", 1, int.MaxValue); break;
            default: throw new ArgumentException($"unknown option {args[i - 1]}; use --url, --requests, --concurrency, --server-pid.");
        }
    }

    if (!Uri.TryCreate(url, UriKind.Absolute, out var address))
    {
        throw new ArgumentException($"--url '{url}' is not an absolute URL, e.g. http://127.0.0.1:5000.");
    }

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
catch (Exception e) when (e is ArgumentException or HttpRequestException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static int Bounded(string text, string name, int min, int max)
    => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
        ? v
        : throw new ArgumentException($"{name} must be an integer in [{min}, {max}]; got '{text}'.");
