using System.Security.Cryptography;
using System.Text;

namespace T2F.Core.Cuda;

/// <summary>
/// On-disk cache of compiled PTX, keyed by SHA-256 of (source, architecture, options, compiler version), so
/// NVRTC runs once per kernel version and GPU generation. Files are written atomically; an unreadable or empty
/// entry is recompiled.
/// </summary>
internal sealed class PtxCache
{
    /// <summary>Creates a cache in <paramref name="folder"/> (created on first write).</summary>
    /// <param name="folder">Cache folder; default <c>$T2F_CACHE</c>, else <c>$XDG_CACHE_HOME/t2f/ptx</c>, else <c>~/.cache/t2f/ptx</c>.</param>
    public PtxCache(string? folder = null)
    {
        Folder = folder ?? DefaultFolder();
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>The cache key (hex SHA-256) of one compilation.</summary>
    /// <param name="source">CUDA source.</param>
    /// <param name="architecture">Virtual architecture.</param>
    /// <param name="options">Compiler options.</param>
    /// <param name="compilerVersion">Compiler version string.</param>
    public static string Key(string source, string architecture, IReadOnlyList<string> options, string compilerVersion)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = string.Join("\u0001", new[] { source, architecture, compilerVersion }.Concat(options));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    /// <summary>Returns cached PTX, or compiles, stores and returns it.</summary>
    /// <param name="compiler">Compiler used on a miss.</param>
    /// <param name="source">CUDA source.</param>
    /// <param name="name">Program name.</param>
    /// <param name="architecture">Virtual architecture.</param>
    /// <param name="options">Compiler options.</param>
    public string GetOrCompile(IPtxCompiler compiler, string source, string name, string architecture, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        string path = Path.Combine(Folder, Key(source, architecture, options, compiler.Version) + ".ptx");
        try
        {
            if (File.Exists(path))
            {
                string cached = File.ReadAllText(path);
                if (cached.Contains(".entry", StringComparison.Ordinal))
                {
                    return cached;
                }
            }
        }
        catch (IOException)
        {
            // An unreadable entry is treated as a miss and rewritten below.
        }

        string ptx = compiler.CompileToPtx(source, name, architecture, options);
        try
        {
            IO.AtomicFile.WriteText(path, writer => writer.Write(ptx));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Ops.OpSettings.LogOnce("ptx-cache-write", $"T2F.Core: could not write the PTX cache in {Folder} ({e.Message}); kernels will be recompiled next time.");
        }

        return ptx;
    }

    private static string DefaultFolder()
    {
        string? explicitFolder = Environment.GetEnvironmentVariable("T2F_CACHE");
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            return Path.Combine(explicitFolder, "ptx");
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "t2f", "ptx");
    }
}
