using BenchmarkDotNet.Attributes;
using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Benchmarks;

/// <summary>How the generator's ops run in a benchmark.</summary>
public enum GeneratorPath
{
    /// <summary>Reference backend, grouped modulated convolution: the reference PyTorch formulation.</summary>
    Reference,

    /// <summary>CPU fused ops, every modulated convolution grouped.</summary>
    FusedGrouped,

    /// <summary>CPU fused ops, every modulated convolution by input scaling.</summary>
    FusedInputScaling,

    /// <summary>CPU fused ops, strategy chosen per layer by the measured rule (the default).</summary>
    Fastest,
}

/// <summary>Shared set-up of the whole-generator suites: config-f widths, random weights, constant noise, no grad.</summary>
public abstract class GeneratorBenchmarkBase
{
    private StyleGan2Generator generator = null!;
    private Tensor z = null!;
    private OpOptions options = null!;

    protected abstract int BatchSize { get; }

    protected abstract GeneratorPath Mode { get; }

    protected abstract int Resolution { get; }

    /// <summary>The convolution route (default: the library's Auto choice for this CPU).</summary>
    protected virtual ConvolutionRoute ConvRoute => ConvolutionRoute.Auto;

    /// <summary>The up-sampling formulation (default: the library's).</summary>
    protected virtual UpsampleFormulation Upsampling => UpsampleFormulation.Transposed;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(1);
        generator = new StyleGan2Generator(GeneratorConfig.Create(Resolution));
        generator.eval();
        options = new OpOptions
        {
            Backend = Mode == GeneratorPath.Reference ? OpBackend.Reference : OpBackend.CpuFused,
            ConvolutionRoute = ConvRoute,
            UpsampleFormulation = Upsampling,
        };
        generator.SetModulatedConvStrategy(Mode switch
        {
            GeneratorPath.Reference or GeneratorPath.FusedGrouped => ModulatedConvStrategy.GroupedWeights,
            GeneratorPath.FusedInputScaling => ModulatedConvStrategy.InputScaling,
            _ => ModulatedConvStrategy.Auto,
        });
        z = torch.randn(BatchSize, generator.Config.StyleDim);
        // Printed because it decides the result: libtorch's threads and the cores this process may run on.
        Console.WriteLine($"// libtorch threads {torch.get_num_threads()}, processor affinity {(OperatingSystem.IsLinux() || OperatingSystem.IsWindows() ? $"0x{System.Diagnostics.Process.GetCurrentProcess().ProcessorAffinity:X}" : "n/a")}, {Environment.ProcessorCount} processors");
    }

    [Benchmark]
    public float Generate()
    {
        // A scope per call (a few allocations against hundreds of milliseconds): BenchmarkDotNet's set-up may run on
        // another flow than the calls, and the settings must not leak into the other suites of this process.
        using var ops = OpSettings.Use(options);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // z -> w -> w+ -> image with the constant noise: the reference forward's work, through the public methods.
        var latent = generator.Map(z).unsqueeze(1).repeat(1, generator.Config.LatentCount, 1);
        var image = generator.Synthesize(latent, generator.ConstantNoise());
        return image[0, 0, 0, 0].item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        z.Dispose();
        generator.Dispose();
    }
}

/// <summary>The generator at 256x256, batch 1 and 8, every execution path.</summary>
[MemoryDiagnoser(false)]
[Config(typeof(LongRunningConfig))]
public class GeneratorBenchmarks : GeneratorBenchmarkBase
{
    [Params(1, 8)]
    public int Batch { get; set; }

    [Params(GeneratorPath.Reference, GeneratorPath.FusedGrouped, GeneratorPath.FusedInputScaling, GeneratorPath.Fastest)]
    public GeneratorPath Path { get; set; }

    protected override int BatchSize => Batch;

    protected override GeneratorPath Mode => Path;

    protected override int Resolution => 256;
}

/// <summary>The generator at 1024x1024 (FFHQ config-f), reference vs fastest; a call takes tens of seconds on 2 cores.</summary>
[MemoryDiagnoser(false)]
[Config(typeof(LongRunningConfig))]
public class Generator1024Benchmarks : GeneratorBenchmarkBase
{
    [Params(1, 8)]
    public int Batch { get; set; }

    [Params(GeneratorPath.Reference, GeneratorPath.Fastest)]
    public GeneratorPath Path { get; set; }

    protected override int BatchSize => Batch;

    protected override GeneratorPath Mode => Path;

    protected override int Resolution => 1024;
}

/// <summary>
/// The generator at 256x256 (config-f widths, fastest path) on each convolution route and up-sampling formulation.
/// Native is wrong on CPUs whose oneDNN kernels fail the self-check (its time is then only the bound the fallbacks
/// are measured against).
/// </summary>
[MemoryDiagnoser(false)]
[Config(typeof(LongRunningConfig))]
public class GeneratorRouteBenchmarks : GeneratorBenchmarkBase
{
    [Params(1, 8)]
    public int Batch { get; set; }

    [Params(ConvolutionRoute.Native, ConvolutionRoute.ChannelPadded, ConvolutionRoute.OneDnnDisabled)]
    public ConvolutionRoute Route { get; set; }

    [Params(UpsampleFormulation.Transposed, UpsampleFormulation.SubPixel)]
    public UpsampleFormulation Upsample { get; set; }

    protected override int BatchSize => Batch;

    protected override GeneratorPath Mode => GeneratorPath.Fastest;

    protected override int Resolution => 256;

    protected override ConvolutionRoute ConvRoute => Route;

    protected override UpsampleFormulation Upsampling => Upsample;
}

/// <summary>
/// What the T2F.StyleGan2 sample prints per image after its first: the generator at 256x256 (config-f widths), batch
/// 1, the library's defaults (Auto route, fastest path). One case, so it is quick to rerun after a change.
/// </summary>
[MemoryDiagnoser(false)]
[Config(typeof(LongRunningConfig))]
public class GeneratorLatencyBenchmarks : GeneratorBenchmarkBase
{
    protected override int BatchSize => 1;

    protected override GeneratorPath Mode => GeneratorPath.Fastest;

    protected override int Resolution => 256;
}
