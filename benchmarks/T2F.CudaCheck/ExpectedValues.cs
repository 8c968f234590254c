using System.Runtime.InteropServices;

namespace T2F.CudaCheck;

/// <summary>
/// The reference path's outputs for every spec case, by key (<c>op.case.output</c>): computed in this process on libtorch
/// (<see cref="ReferenceOutputs"/>), or read from a folder that <c>write-expected</c> filled on a machine with libtorch,
/// one raw little-endian float32 file per key, for the GPU machine, where the trimmed harness has no libtorch.
/// </summary>
internal sealed class ExpectedValues
{
    private readonly Dictionary<string, float[]> values;
    private readonly string? folder;

    private ExpectedValues(Dictionary<string, float[]> values, string? folder)
    {
        this.values = values;
        this.folder = folder;
    }

    /// <summary>The keys held.</summary>
    public IReadOnlyCollection<string> Keys => values.Keys;

    /// <summary>The key of one output of one case.</summary>
    /// <param name="op">Op name (bias_act, upfirdn2d, modconv).</param>
    /// <param name="caseName">The spec case's name.</param>
    /// <param name="output">The output's name.</param>
    public static string Key(string op, string caseName, string output) => $"{op}.{caseName}.{output}";

    /// <summary>Wraps values computed in this process.</summary>
    /// <param name="computed">Values by key.</param>
    public static ExpectedValues FromComputed(Dictionary<string, float[]> computed) => new(computed, null);

    /// <summary>Reads every <c>*.f32</c> file of <paramref name="directory"/>.</summary>
    /// <param name="directory">A folder written by <see cref="Write"/>.</param>
    public static ExpectedValues Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"--expected {directory} does not exist; write it with 'T2F.CudaCheck write-expected {directory}' on a machine with libtorch.");
        }

        var read = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.f32"))
        {
            byte[] bytes = File.ReadAllBytes(file);
            read[Path.GetFileNameWithoutExtension(file)] = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }

        return new ExpectedValues(read, directory);
    }

    /// <summary>Writes one <c>KEY.f32</c> file per key into <paramref name="directory"/> (little-endian float32, as this harness only runs on x64).</summary>
    /// <param name="directory">Target folder, created if needed.</param>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (key, data) in values)
        {
            File.WriteAllBytes(Path.Combine(directory, key + ".f32"), MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
        }
    }

    /// <summary>The values of <paramref name="key"/>, which must hold <paramref name="count"/> floats.</summary>
    /// <param name="key">A key from <see cref="Key"/>.</param>
    /// <param name="count">The number of values the kernel produced.</param>
    public float[] Get(string key, long count)
    {
        if (!values.TryGetValue(key, out var data))
        {
            throw new InvalidDataException($"No expected values for {key}{(folder is null ? string.Empty : $" in {folder}")}: the spec tables changed since they were written; rerun 'T2F.CudaCheck write-expected'.");
        }

        if (data.Length != count)
        {
            throw new InvalidDataException($"The expected values of {key} hold {data.Length} floats, the kernel wrote {count}: they are stale; rerun 'T2F.CudaCheck write-expected'.");
        }

        return data;
    }
}
