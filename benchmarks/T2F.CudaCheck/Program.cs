// GPU check: compiles the project's CUDA kernels with NVRTC, runs every case of the ops' spec tables (BiasActSpec,
// UpFirDn2dSpec, ModulatedConvSpec in src/T2F.Core/Ops/<op>/) through them, compares each with the library's reference
// path (max abs error) and times it, then times the tables' larger timing shapes. Writes results.json and results.md.
//   T2F.CudaCheck --out DIR [--reps N] [--expected DIR]
//   T2F.CudaCheck write-expected DIR
// The reference path runs on libtorch, in this process unless --expected names the outputs that write-expected computed
// on a machine with libtorch (the GPU publish has none; see native/cuda/check-gpu.sh).
// Exit codes: 0 all checks passed; 1 a check failed; 2 usage error or no expected values; 3 no CUDA driver/device/NVRTC.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using T2F.Core.Cuda;

namespace T2F.CudaCheck;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["write-expected", var target])
        {
            return WriteExpected(target);
        }

        string outDir = ArgValue(args, "--out", "cuda-check");
        if (!int.TryParse(ArgValue(args, "--reps", "20"), NumberStyles.None, CultureInfo.InvariantCulture, out int reps) || reps < 1)
        {
            Console.Error.WriteLine("error: --reps takes a positive integer.");
            return 2;
        }

        string? expectedDir = args.Contains("--expected") ? ArgValue(args, "--expected", string.Empty) : null;
        Directory.CreateDirectory(outDir);
        var results = new List<CheckResult>();
        string device;
        try
        {
            using var driver = CudaDriverApi.Create();
            device = $"{driver.DeviceName} (sm_{driver.ComputeCapability.Major}{driver.ComputeCapability.Minor})";
            var nvrtc = NvrtcCompiler.Create();
            var compile = Stopwatch.StartNew();
            using var kernels = new CudaKernels(driver, nvrtc, new PtxCache(Path.Combine(outDir, "ptx-cache")));
            Console.WriteLine($"{device}: {nvrtc.Version}, kernels compiled in {compile.Elapsed.TotalSeconds:F2} s: {string.Join(", ", kernels.KernelNames)}");
            if (LoadExpected(expectedDir) is not { } expected)
            {
                return 2;
            }

            new KernelChecks(driver, kernels, expected, reps, results).RunAll();
        }
        catch (CudaException e)
        {
            WriteJson(Path.Combine(outDir, "results.json"), null, e.Message, results);
            File.WriteAllText(Path.Combine(outDir, "results.md"), $"CUDA not available: {e.Message}\n");
            Console.Error.WriteLine($"CUDA not available: {e.Message}");
            return 3;
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        WriteJson(Path.Combine(outDir, "results.json"), device, null, results);
        var md = new StringBuilder($"GPU: {device}\n\n| op | shape | max abs error | tolerance | ok | ms | case |\n|---|---|---:|---:|---|---:|---|\n");
        foreach (var r in results)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {r.Op} | {r.Shape} | {r.MaxAbsError:E2} | {r.Tolerance:E0} | {(r.Passed ? "yes" : "NO")} | {r.MilliSeconds:F3} | {r.Note} |\n");
        }

        File.WriteAllText(Path.Combine(outDir, "results.md"), md.ToString());
        Console.WriteLine(md);
        return results.All(r => r.Passed) ? 0 : 1;
    }

    /// <summary>Computes the reference path's outputs here (libtorch needed) and writes them for a GPU machine without it.</summary>
    private static int WriteExpected(string directory)
    {
        ExpectedValues.FromComputed(ReferenceOutputs.Compute()).Write(directory);
        Console.WriteLine($"wrote the reference outputs of every spec case to {directory}; pass it to the GPU run as --expected");
        return 0;
    }

    private static ExpectedValues? LoadExpected(string? directory)
    {
        if (directory is not null)
        {
            return ExpectedValues.Read(directory);
        }

        try
        {
            return ExpectedValues.FromComputed(ReferenceOutputs.Compute());
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException)
        {
            // The trimmed GPU publish carries no libtorch: the expected values must come from a folder then.
            Console.Error.WriteLine($"error: the reference path needs libtorch, which this build cannot load ({e.Message}); pass --expected DIR written by 'T2F.CudaCheck write-expected DIR' on a machine with libtorch.");
            return null;
        }
    }

    // Written by hand: the harness is published trimmed, where reflection-based serialization is unavailable.
    private static void WriteJson(string path, string? device, string? reason, List<CheckResult> results)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteBoolean("available", device is not null);
        if (device is not null)
        {
            json.WriteString("device", device);
        }

        if (reason is not null)
        {
            json.WriteString("reason", reason);
        }

        json.WriteStartArray("results");
        foreach (var r in results)
        {
            json.WriteStartObject();
            json.WriteString("op", r.Op);
            json.WriteString("shape", r.Shape);
            json.WriteNumber("max_abs_error", double.IsNaN(r.MaxAbsError) ? -1 : r.MaxAbsError);
            json.WriteNumber("tolerance", r.Tolerance);
            json.WriteBoolean("passed", r.Passed);
            json.WriteNumber("ms", r.MilliSeconds);
            json.WriteString("note", r.Note);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string ArgValue(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
