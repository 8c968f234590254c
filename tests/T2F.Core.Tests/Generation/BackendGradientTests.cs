using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Generation;

/// <summary>Training through the fast paths gets the reference's gradients.</summary>
[Trait("Category", "Golden")]
public class BackendGradientTests
{
    private static Dictionary<string, Tensor> Gradients(OpBackend backend, ModulatedConvStrategy strategy)
    {
        using var scopeBackend = OpSettings.Use(backend);
        var golden = StyleGan2Golden.Instance;
        var g = golden.LoadGenerator();
        g.SetModulatedConvStrategy(strategy);
        var output = g.Generate(new[] { golden.Tensor("input.z") }, new GeneratorForwardOptions { Noise = NoiseMode.Explicit, NoiseTensors = golden.Noise() });
        (output.Image.square().mean() + output.Image.mean()).backward();
        return g.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
    }

    [Theory]
    [InlineData(OpBackend.CpuFused, ModulatedConvStrategy.InputScaling)]
    [InlineData(OpBackend.CpuFused, ModulatedConvStrategy.Auto)]
    [InlineData(OpBackend.Reference, ModulatedConvStrategy.InputScaling)]
    public void ParameterGradientsMatchTheReferencePath(OpBackend backend, ModulatedConvStrategy strategy)
    {
        using var scope = NewDisposeScope();
        var reference = Gradients(OpBackend.Reference, ModulatedConvStrategy.GroupedWeights);
        var fast = Gradients(backend, strategy);
        Assert.Equal(reference.Keys.OrderBy(k => k), fast.Keys.OrderBy(k => k));
        foreach (var (name, grad) in reference)
        {
            double scale = Math.Max(1e-3, grad.abs().max().item<float>());
            TensorAssert.Close(grad, fast[name], 1e-5 * scale, 1e-3, $"grad {name} ({backend}, {strategy})");
        }
    }
}
