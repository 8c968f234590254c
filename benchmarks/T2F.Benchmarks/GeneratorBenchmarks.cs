using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using T2F.Core.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Benchmarks;

/// <summary>
/// StyleGAN2 generator, config-f widths (style 512, 8 mapping layers, channel multiplier 2), random weights,
/// 256x256, constant noise, inference (no grad). Both modulated-convolution strategies.
/// </summary>
[MemoryDiagnoser(false)]
public class GeneratorBenchmarks
{
    private StyleGan2Generator generator = null!;
    private Tensor z = null!;

    [Params(1, 8)]
    public int Batch { get; set; }

    [Params(ModulatedConvStrategy.GroupedWeights, ModulatedConvStrategy.InputScaling)]
    public ModulatedConvStrategy Strategy { get; set; }

    [Params(256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(1);
        generator = new StyleGan2Generator(GeneratorConfig.Create(Size));
        generator.eval();
        generator.SetModulatedConvStrategy(Strategy);
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
        z.Dispose();
        generator.Dispose();
    }
}
