using T2F.Core.Ops.Convolution;
using T2F.Core.Torch;

namespace T2F.Core.Diagnostics;

/// <summary>What the library runs on in this process: versions, CPU, libtorch's switches, the convolution route and its self-check, CUDA.</summary>
public sealed record DiagnosticsReport
{
    /// <summary>T2F.Core's assembly version.</summary>
    public required string T2FVersion { get; init; }

    /// <summary>TorchSharp's assembly version.</summary>
    public required string TorchSharpVersion { get; init; }

    /// <summary>libtorch's version from its build configuration, or "unknown".</summary>
    public required string LibTorchVersion { get; init; }

    /// <summary>OS and .NET runtime.</summary>
    public required string Runtime { get; init; }

    /// <summary>The processor's brand string, vendor, family and model (x86), as the CPU reports them.</summary>
    public required string Processor { get; init; }

    /// <summary>Vector instruction sets .NET detects (AVX2, AVX-512 F/BW/VNNI/BF16 ...).</summary>
    public required string InstructionSets { get; init; }

    /// <summary>libtorch's CPU capability (the kernels ATen dispatches to: DEFAULT, AVX2, AVX512), or "unknown".</summary>
    public required string LibTorchCpuCapability { get; init; }

    /// <summary>libtorch's intra-op threads.</summary>
    public required int Threads { get; init; }

    /// <summary>The oneDNN version libtorch was built with, or "unknown".</summary>
    public required string OneDnnVersion { get; init; }

    /// <summary>Whether ATen may use oneDNN now (null: the switch could not be read on this platform).</summary>
    public required bool? OneDnnEnabled { get; init; }

    /// <summary>Whether NNPACK initialised on this CPU (null: unknown).</summary>
    public required bool? NnpackAvailable { get; init; }

    /// <summary>What the library did to the native allocator (<c>T2F_MALLOC_TUNING=0</c> keeps glibc's defaults).</summary>
    public required string NativeAllocator { get; init; }

    /// <summary>The route setting where the report was collected (<see cref="Ops.OpSettings.Current"/>).</summary>
    public required ConvolutionRoute RouteSetting { get; init; }

    /// <summary>The route CPU float32 convolutions take.</summary>
    public required ConvolutionRoute ActiveRoute { get; init; }

    /// <summary>The Auto decision and its self-checks; null when a route was forced and Auto never ran.</summary>
    public required ConvolutionRoutingDecision? AutoDecision { get; init; }

    /// <summary>The self-check of the active route (the last check of the Auto decision, or a fresh check of a forced route).</summary>
    public required SelfCheckReport ActiveRouteCheck { get; init; }

    /// <summary>Whether libtorch has CUDA (TorchSharp <c>torch.cuda.is_available()</c>).</summary>
    public required bool LibTorchCuda { get; init; }

    /// <summary>Whether the project's CUDA kernels load (driver + NVRTC), with the reason when not.</summary>
    public required string CudaKernels { get; init; }

    /// <summary>True when the library computes correctly here: the active route passed its self-check.</summary>
    public bool ComputesCorrectly => ActiveRouteCheck.Passed;

    /// <summary>The report as aligned "name: value" lines.</summary>
    public override string ToString()
    {
        static string Flag(bool? b) => b switch { true => "yes", false => "no", null => "unknown" };
        var lines = new (string, string)[]
        {
            ("T2F.Core", T2FVersion),
            ("TorchSharp", TorchSharpVersion),
            ("libtorch", LibTorchVersion),
            ("runtime", Runtime),
            ("processor", Processor),
            ("instruction sets", InstructionSets),
            ("libtorch CPU capability", LibTorchCpuCapability),
            ("libtorch threads", Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("oneDNN", $"{OneDnnVersion}, enabled: {Flag(OneDnnEnabled)}"),
            ("NNPACK available", Flag(NnpackAvailable)),
            ("native allocator", NativeAllocator),
            ("convolution route", $"{ActiveRoute} (setting: {RouteSetting})"),
            ("self-check", ActiveRouteCheck.Summary),
            ("libtorch CUDA", LibTorchCuda ? "yes" : "no"),
            ("CUDA kernels", CudaKernels),
            ("computes correctly", ComputesCorrectly ? "yes" : "NO"),
        };
        return string.Join(Environment.NewLine, lines.Select(l => $"{l.Item1 + ":",-25} {l.Item2}"));
    }
}
