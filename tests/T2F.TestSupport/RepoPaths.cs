namespace T2F.Core.Tests.TestSupport;

/// <summary>Finds the repository root and the shared golden folders.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "T2F.Core.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"No T2F.Core.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The folder that holds T2F.Core.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>
    /// The folder named by <paramref name="variable"/>, else <paramref name="defaultRelativeToRepo"/> under the repository root.
    /// Fails loudly (no silent skip) when it does not exist.
    /// </summary>
    public static string GoldenFolder(string variable, string defaultRelativeToRepo)
    {
        string? fromEnv = Environment.GetEnvironmentVariable(variable);
        string path = string.IsNullOrWhiteSpace(fromEnv) ? Path.GetFullPath(Path.Combine(RepoRoot, defaultRelativeToRepo)) : Path.GetFullPath(fromEnv);
        if (!File.Exists(Path.Combine(path, "manifest.json")))
        {
            throw new DirectoryNotFoundException($"Golden folder {path} has no manifest.json. Set {variable} to a golden folder (default {defaultRelativeToRepo} relative to the repository root).");
        }

        return path;
    }
}
