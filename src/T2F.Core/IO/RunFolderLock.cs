using System.Text.RegularExpressions;

namespace T2F.Core.IO;

/// <summary>
/// Held by a trainer while it trains: one process at a time writes a run folder (two would interleave checkpoints).
/// Taking it also removes the temporary files that an atomic write interrupted by a crash or <c>kill -9</c> left behind
/// (<c>.NAME.GUID.tmp</c>, tens of MB each for a checkpoint): while the lock is free no writer can be using them.
/// </summary>
internal sealed partial class RunFolderLock : IDisposable
{
    private const string LockName = ".t2f-run.lock";
    private readonly FileStream stream;

    private RunFolderLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock of <paramref name="folder"/> (creating it) and removes stale temporary files.</summary>
    /// <exception cref="IOException">Another process trains in this folder.</exception>
    public static RunFolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, LockName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"Another training process is using the run folder {folder} (it holds {LockName}); wait for it to finish or use another --run folder.", e);
        }

        foreach (var temp in Directory.EnumerateFiles(folder, ".*.tmp").Where(f => StaleTemporary().IsMatch(Path.GetFileName(f))))
        {
            File.Delete(temp);
        }

        return new RunFolderLock(stream);
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();

    // The names IO.AtomicFile gives its temporary files: "." + target name + "." + 32 hex digits + ".tmp".
    [GeneratedRegex("^\\..+\\.[0-9a-f]{32}\\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex StaleTemporary();
}
