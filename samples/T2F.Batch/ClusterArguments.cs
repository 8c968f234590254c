using System.CommandLine;
using Microsoft.Extensions.Logging;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary>--redis HOST:PORT and --cluster ID, and the console logging of silos and clients.</summary>
internal static class ClusterArguments
{
    /// <summary>The default of --cluster.</summary>
    public const string DefaultClusterId = "t2f-batch";

    /// <summary>--redis HOST:PORT of the redis-server that holds the membership table.</summary>
    public static Option<string?> Redis(bool required, string description)
    {
        var option = SampleOptions.Parsed("--redis", "HOST:PORT", description, "HOST:PORT of the redis-server that holds the membership table (e.g. 10.0.0.5:6379)", IsEndpoint);
        option.Required = required;
        return option;
    }

    /// <summary>--cluster ID: silos and clients of one cluster share it.</summary>
    public static Option<string> Cluster()
        => SampleOptions.Text("--cluster", "ID", "cluster id: the silos and clients of one cluster share it", defaultValue: DefaultClusterId);

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

    private static string? IsEndpoint(string redis)
    {
        int colon = redis.LastIndexOf(':');
        return colon > 0 && int.TryParse(redis.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535 ? redis : null;
    }
}
