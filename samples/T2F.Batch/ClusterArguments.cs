using Microsoft.Extensions.Logging;
using T2F.Orleans.Hosting;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary>--redis HOST:PORT and --cluster ID, and the console logging of silos and clients.</summary>
internal static class ClusterArguments
{
    /// <summary>The cluster the options name.</summary>
    /// <exception cref="ArgumentException">--redis is missing or not HOST:PORT.</exception>
    public static BatchClusterOptions Parse(Dictionary<string, string> o)
    {
        string redis = CommandLineOptions.Required(o, "redis");
        int colon = redis.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(redis.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"--redis must be HOST:PORT of the redis-server that holds the membership table (e.g. 10.0.0.5:6379); got '{redis}'.");
        }

        return new BatchClusterOptions { Redis = redis, ClusterId = o.GetValueOrDefault("cluster") ?? "t2f-batch" };
    }

    /// <summary>Warnings and errors of Orleans and the host, one line each.</summary>
    public static void QuietLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(c => c.SingleLine = true);
        logging.SetMinimumLevel(LogLevel.Warning);

        // Orleans' retry policy logs every retried call to a dead silo as a warning with whole stack traces; the
        // membership warnings already say that a silo died.
        logging.AddFilter("Polly", LogLevel.Error);
    }
}
