using System.Text.RegularExpressions;

namespace T2F.Samples.Shared;

/// <summary>
/// A sample's output folder, held for one run: an exclusive lock (<c>.t2f-output.lock</c>) keeps two runs from
/// writing into it at once, and the files an earlier run of the same sample left there (recognised by their names)
/// are removed first, so the folder never mixes two runs' faces. Other files are never touched.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    private const string LockName = ".t2f-output.lock";
    private readonly FileStream folderLock;

    private OutputFolder(string path, FileStream lockStream)
    {
        Path = path;
        folderLock = lockStream;
    }

    public string Path { get; }

    /// <summary>Creates and locks <paramref name="path"/>, then deletes the files whose names <paramref name="ownFiles"/> matches.</summary>
    /// <exception cref="IOException">Another run holds the folder, or it cannot be written.</exception>
    public static OutputFolder Claim(string path, Regex ownFiles)
    {
        Directory.CreateDirectory(path);
        FileStream stream;
        try
        {
            stream = new FileStream(System.IO.Path.Combine(path, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"another run is writing to {path} (it holds {LockName}); wait for it or choose another --out folder.", e);
        }

        try
        {
            foreach (string file in Directory.EnumerateFiles(path).Where(f => ownFiles.IsMatch(System.IO.Path.GetFileName(f))))
            {
                File.Delete(file);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return new OutputFolder(path, stream);
    }

    public void Dispose() => folderLock.Dispose();
}
