using System.Runtime.InteropServices;

namespace T2F.Core.Torch;

/// <summary>
/// Keeps glibc's malloc from returning libtorch's large activation buffers to the kernel after every op. By default
/// glibc serves blocks above a (dynamic, at most 32 MiB) threshold with mmap and trims the heap top above 128 KiB, so a
/// generator pass of 256x256 config-f maps, page-faults and zeroes its activations anew each call: measured 1.6 s per
/// image with 10 s of system time for 8 images, against 0.78 s with both thresholds at 1 GiB (samples/T2F.StyleGan2,
/// docs/correct-on-every-cpu.md). The cost is that the process keeps its peak heap (+20 % RSS on that run).
/// Applied once, before the first convolution; <c>T2F_MALLOC_TUNING=0</c> keeps glibc's defaults.
/// </summary>
internal static class NativeAllocator
{
    private const int MallocTrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int Threshold = 1 << 30;

    private static readonly Lazy<string> Applied = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>What was done, for diagnostics: "glibc mmap/trim thresholds 1 GiB", "off (T2F_MALLOC_TUNING=0)" or "not glibc".</summary>
    public static string State => Applied.Value;

    /// <summary>Applies the tuning once per process.</summary>
    public static void EnsureApplied() => _ = Applied.Value;

    private static string Apply()
    {
        if (Environment.GetEnvironmentVariable("T2F_MALLOC_TUNING") is "0" or "false" or "off")
        {
            return "glibc defaults (T2F_MALLOC_TUNING=0)";
        }

        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) || !NativeLibrary.TryGetExport(libc, "mallopt", out IntPtr mallopt))
        {
            return "unchanged (not glibc)";
        }

        unsafe
        {
            var set = (delegate* unmanaged<int, int, int>)mallopt;
            bool ok = set(MallocMmapThreshold, Threshold) == 1 & set(MallocTrimThreshold, Threshold) == 1;
            return ok ? "glibc mmap and trim thresholds 1 GiB" : "glibc refused mallopt; defaults kept";
        }
    }
}
