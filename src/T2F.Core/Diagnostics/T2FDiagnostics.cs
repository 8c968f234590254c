using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using T2F.Core.Ops;
using T2F.Core.Ops.Convolution;
using TorchSharp;
using T2F.Core.Torch;

namespace T2F.Core.Diagnostics;

/// <summary>
/// What the library runs on and whether it computes correctly there: <see cref="Collect"/> gathers versions, CPU,
/// libtorch's oneDNN/NNPACK state, the convolution route with its numerics self-check, and CUDA availability.
/// <c>samples/T2F.Doctor</c> prints it.
/// </summary>
public static class T2FDiagnostics
{
    /// <summary>The routing decision of this process (runs the self-check on first use); null while a route other than Auto is forced and Auto never ran.</summary>
    public static ConvolutionRoutingDecision? RoutingDecision
        => OpSettings.Current.ConvolutionRoute == ConvolutionRoute.Auto || ConvolutionRouting.Decided ? ConvolutionRouting.Decision : null;

    /// <summary>
    /// Whether the ops' CUDA kernels load on this machine: a CUDA driver with a device, and NVRTC to compile them (once;
    /// the PTX is cached on disk). Where they do, <see cref="OpBackend.Auto"/> runs bias_act and upfirdn2d on CUDA tensors
    /// through them, forward only and without gradients; where they do not, CUDA tensors take the reference path. The
    /// kernels have not yet run on a GPU in this project's tests (README, "Ops, backends and native kernels").
    /// </summary>
    /// <param name="reason">Why they are unavailable (no driver, no device, no NVRTC, a compile error), or null.</param>
    public static bool CudaKernelsAvailable(out string? reason) => Cuda.CudaKernels.TryGetDefault(out _, out reason);

    /// <summary>Collects the report. Under <see cref="ConvolutionRoute.Auto"/> this makes the routing decision if no convolution has yet;
    /// under a forced route it runs the self-check of that route (about 0.1-0.3 s).</summary>
    public static DiagnosticsReport Collect()
    {
        var decision = RoutingDecision;
        var active = ConvolutionRouting.Resolve();
        var check = decision is not null && decision.Checks[^1].Route == active ? decision.Checks[^1] : NumericsSelfCheck.Run(active);

        ConvolutionRouting.Apply(active);
        bool cudaKernels = CudaKernelsAvailable(out string? why);
        return new DiagnosticsReport
        {
            T2FVersion = VersionOf(typeof(T2FDiagnostics).Assembly),
            TorchSharpVersion = VersionOf(typeof(torch).Assembly),
            LibTorchVersion = LibTorchContext.TorchVersion ?? "unknown",
            Runtime = $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}",
            Processor = DescribeProcessor(),
            InstructionSets = DescribeInstructionSets(),
            LibTorchCpuCapability = LibTorchContext.CpuCapability ?? "unknown",
            Threads = torch.get_num_threads(),
            OneDnnVersion = LibTorchContext.OneDnnVersion ?? "unknown",
            OneDnnEnabled = LibTorchContext.OneDnnEnabled,
            NnpackAvailable = LibTorchContext.NnpackAvailable,
            NativeAllocator = Torch.NativeAllocator.State,
            RouteSetting = OpSettings.Current.ConvolutionRoute,
            ActiveRoute = active,
            AutoDecision = decision,
            ActiveRouteCheck = check,
            LibTorchCuda = torch.cuda.is_available(),
            CudaKernels = cudaKernels ? "loaded" : $"unavailable ({why})",
        };
    }

    private static string VersionOf(Assembly assembly)
        => assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";

    private static string DescribeProcessor()
    {
        string brand = "unknown";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                brand = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? brand;
            }
        }
        catch (IOException)
        {
            // Diagnostics only: an unreadable /proc leaves the brand unknown.
        }

        if (!X86Base.IsSupported)
        {
            return $"{brand} ({RuntimeInformation.ProcessArchitecture})";
        }

        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> vendorWords = stackalloc int[] { ebx, edx, ecx };
        string vendor = System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(vendorWords));
        int eax1 = X86Base.CpuId(1, 0).Eax;
        int family = (eax1 >> 8) & 0xF, model = (eax1 >> 4) & 0xF;
        if (family == 0xF)
        {
            family += (eax1 >> 20) & 0xFF;
        }

        if (family >= 6)
        {
            model += ((eax1 >> 16) & 0xF) << 4;
        }

        // Leaf 0x8000001D (AMD cache topology) all zeros means the hypervisor hides the caches; oneDNN then sizes its blocking from guesses.
        bool hiddenCaches = vendor == "AuthenticAMD" && X86Base.CpuId(unchecked((int)0x80000000), 0).Eax >= unchecked((int)0x8000001D)
            && X86Base.CpuId(unchecked((int)0x8000001D), 0) is (0, 0, 0, 0);
        return $"{brand} ({vendor}, family {family}, model {model}{(hiddenCaches ? ", cache topology hidden (CPUID 0x8000001D zero)" : string.Empty)})";
    }

    private static string DescribeInstructionSets()
    {
        // AVX-512 BF16 is CPUID leaf 7 sub-leaf 1, EAX bit 5 (.NET has no IsSupported for it).
        bool bf16 = X86Base.IsSupported && X86Base.CpuId(0, 0).Eax >= 7 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;
        var sets = new (bool Supported, string Name)[]
        {
            (Avx2.IsSupported, "AVX2"), (Fma.IsSupported, "FMA"), (Avx512F.IsSupported, "AVX-512F"), (Avx512BW.IsSupported, "AVX-512BW"),
            (Avx512Vbmi.IsSupported, "AVX-512VBMI"), (AvxVnni.IsSupported, "AVX-VNNI"), (bf16, "AVX-512BF16"),
        };
        var supported = sets.Where(s => s.Supported).Select(s => s.Name).ToList();
        return supported.Count == 0 ? RuntimeInformation.ProcessArchitecture.ToString() : string.Join(' ', supported);
    }
}
