using BenchmarkDotNet.Attributes;
using T2F.Core.Generation;
using T2F.Core.Ops;
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

/// <summary>
/// StyleGAN2 generator, config-f widths (style 512, 8 mapping layers, channel multiplier 2), random weights,
/// constant noise, inference (no grad).
/// </summary>
[MemoryDiagnoser(false)]
[Config(typeof(LongRunningConfig))]
public class GeneratorBenchmarks
{
    private StyleGan2Generator generator = null!;
    private Tensor z = null!;
    private OpBackend previousBackend;

    [Params(1, 8)]
    public int Batch { get; set; }

    [Params(GeneratorPath.Reference, GeneratorPath.FusedGrouped, GeneratorPath.FusedInputScaling, GeneratorPath.Fastest)]
    public GeneratorPath Path { get; set; }

    [Params(256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(1);
        generator = new StyleGan2Generator(GeneratorConfig.Create(Size));
        generator.eval();
        previousBackend = OpSettings.Backend;
        OpSettings.Backend = Path == GeneratorPath.Reference ? OpBackend.Reference : OpBackend.CpuFused;
        generator.SetModulatedConvStrategy(Path switch
        {
            GeneratorPath.Reference or GeneratorPath.FusedGrouped => ModulatedConvStrategy.GroupedWeights,
            GeneratorPath.FusedInputScaling => ModulatedConvStrategy.InputScaling,
            _ => ModulatedConvStrategy.Auto,
        });
        z = torch.randn(Batch, generator.Config.StyleDim);
    }

    [Benchmark]
    public float Generate()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = generator.Generate(new[] { z }, new GenerateOptions { Noise = NoiseMode.Constant });
        return output.Image[0, 0, 0, 0].item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        OpSettings.Backend = previousBackend;
        z.Dispose();
        generator.Dispose();
    }
}

/// <summary>The same at 1024x1024, batch 1 (a call takes tens of seconds on a 2-core CPU).</summary>
public class Generator1024Benchmarks : GeneratorBenchmarks
{
    public Generator1024Benchmarks()
    {
        Size = 1024;
    }
}
