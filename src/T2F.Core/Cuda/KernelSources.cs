using System.Reflection;
using System.Text.RegularExpressions;

namespace T2F.Core.Cuda;

/// <summary>
/// The CUDA sources of the op folders (<c>Ops/&lt;op&gt;/*.cu</c>), embedded in the assembly under flat names so that no file has
/// to ship beside it; NVRTC compiles them as one unit (<see cref="Combined"/>).
/// </summary>
internal partial class KernelSources
{
    private const string Prefix = "T2F.Core.Cuda.Kernels.";

    /// <summary>File names of the embedded sources (e.g. <c>bias_act.cu</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(KernelSources).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The text of one embedded source.</summary>
    /// <param name="name">File name, e.g. <c>upfirdn2d.cu</c>.</param>
    public static string Read(string name)
    {
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new FileNotFoundException($"CUDA source {name} is not embedded in T2F.Core; embedded: {string.Join(", ", Names)}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>All sources concatenated into one compilation unit.</summary>
    public static string Combined() => string.Join("\n", Names.Select(n => $"// ---- {n} ----\n" + Read(n)));

    /// <summary>The <c>extern "C" __global__</c> kernel names a source declares.</summary>
    /// <param name="source">CUDA source text.</param>
    public static IReadOnlyList<string> KernelNames(string source)
        => KernelDeclaration().Matches(source).Select(m => m.Groups[1].Value).ToArray();

    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(\w+)\s*\(")]
    private static partial Regex KernelDeclaration();
}
