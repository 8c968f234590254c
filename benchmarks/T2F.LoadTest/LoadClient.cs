using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace T2F.LoadTest;

/// <summary>What one load run measured.</summary>
/// <param name="Requests">Requests sent.</param>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="StatusCounts">Responses per HTTP status (0: the request failed without a response).</param>
/// <param name="LatenciesMs">Every request's latency in milliseconds, sorted.</param>
public sealed record LoadResult(int Requests, int Concurrency, TimeSpan Elapsed, IReadOnlyDictionary<int, int> StatusCounts, double[] LatenciesMs)
{
    /// <summary>Requests per second.</summary>
    public double Throughput => Requests / Elapsed.TotalSeconds;

    /// <summary>The latency below which <paramref name="percent"/> % of the requests finished (nearest rank).</summary>
    public double Percentile(double percent)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        int rank = (int)Math.Ceiling(percent / 100 * LatenciesMs.Length);
        return LatenciesMs[Math.Clamp(rank - 1, 0, LatenciesMs.Length - 1)];
    }

    /// <summary>Responses with a 5xx status other than 503 (the service's deliberate "busy"), or no response at all.</summary>
    public int Failures => StatusCounts.Where(p => p.Key == 0 || (p.Key >= 500 && p.Key != 503)).Sum(p => p.Value);

    /// <summary>A one-row markdown table of the run.</summary>
    public string ToMarkdown(string peakMemory)
    {
        string statuses = string.Join(", ", StatusCounts.OrderBy(p => p.Key).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value}")));
        return string.Create(CultureInfo.InvariantCulture, $"""
            | requests | concurrency | wall | throughput | p50 | p95 | p99 | max | statuses | server peak RSS |
            |---|---|---|---|---|---|---|---|---|---|
            | {Requests} | {Concurrency} | {Elapsed.TotalSeconds:F1} s | {Throughput:F1} req/s | {Percentile(50):F1} ms | {Percentile(95):F1} ms | {Percentile(99):F1} ms | {LatenciesMs[^1]:F1} ms | {statuses} | {peakMemory} |
            """);
    }
}

/// <summary>
/// A closed-loop HTTP load generator: <c>concurrency</c> workers each send their next request as soon as the previous
/// one finished, until <c>requests</c> were sent. Used by the load test and by <c>benchmarks/T2F.LoadTest</c>.
/// </summary>
public static class LoadClient
{
    /// <summary>Runs the load.</summary>
    /// <param name="client">The client (its BaseAddress is the server).</param>
    /// <param name="requests">Total requests.</param>
    /// <param name="concurrency">Workers.</param>
    /// <param name="path">The request path of request i (e.g. a different seed each).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<LoadResult> RunAsync(HttpClient client, int requests, int concurrency, Func<int, string> path, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var latencies = new double[requests];
        var statuses = new int[requests];
        int next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(path(i), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                    statuses[i] = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    statuses[i] = 0;
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        clock.Stop();
        Array.Sort(latencies);
        var counts = statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        return new LoadResult(requests, concurrency, clock.Elapsed, counts, latencies);
    }

    /// <summary>Peak resident memory (VmHWM) of a process on Linux, in bytes; null where /proc does not say.</summary>
    public static long? PeakResidentBytes(int pid)
    {
        string status = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>A status that counts as a server error in a load run (5xx other than the deliberate 503).</summary>
    public static bool IsFailure(HttpStatusCode status) => (int)status >= 500 && status != HttpStatusCode.ServiceUnavailable;
}
