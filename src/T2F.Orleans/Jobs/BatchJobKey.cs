using T2F.Core.Batch;

namespace T2F.Orleans.Jobs;

/// <summary>
/// The key of a job grain: the spec's fingerprint and the output folder's full path. The same job into the same folder
/// is the same grain wherever it is submitted from; the folder must be the same path on every machine (shared storage
/// mounted at one path).
/// </summary>
internal static class BatchJobKey
{
    private const char Separator = '|';

    /// <summary>The key of <paramref name="spec"/> into <paramref name="folder"/>.</summary>
    public static string Create(BatchJobSpec spec, string folder) => Create(spec.Fingerprint(), Path.GetFullPath(folder));

    /// <summary>The key of the job with <paramref name="fingerprint"/> into the full path <paramref name="folder"/>.</summary>
    public static string Create(string fingerprint, string folder) => fingerprint + Separator + folder;

    /// <summary>The spec fingerprint a key names.</summary>
    public static string Fingerprint(string key) => key[..Index(key)];

    /// <summary>The output folder a key names.</summary>
    public static string Folder(string key) => key[(Index(key) + 1)..];

    private static int Index(string key)
    {
        int index = key.IndexOf(Separator, StringComparison.Ordinal);
        return index > 0 ? index : throw new ArgumentException($"'{key}' is not a batch job key (fingerprint|folder).", nameof(key));
    }
}
