using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;
using T2F.Core.Torch;

namespace T2F.Core.Tests.Generation;

/// <summary>Generator parity with the reference, every case read from the golden manifest.</summary>
[Trait("Category", "Golden")]
public class GeneratorGoldenTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    /// <summary>Every backend with every modulated-conv strategy: all four paths must match the reference.</summary>
    public static TheoryData<OpBackend, ModulatedConvStrategy> Paths => new()
    {
        { OpBackend.Reference, ModulatedConvStrategy.GroupedWeights },
        { OpBackend.Reference, ModulatedConvStrategy.InputScaling },
        { OpBackend.CpuFused, ModulatedConvStrategy.GroupedWeights },
        { OpBackend.CpuFused, ModulatedConvStrategy.InputScaling },
    };

    private static StyleGan2Generator Load(ModulatedConvStrategy strategy)
    {
        var g = G.LoadGenerator();
        g.SetModulatedConvStrategy(strategy);
        return g;
    }

    private static GeneratorForwardOptions ExplicitNoise => new() { Noise = NoiseMode.Explicit, NoiseTensors = G.Noise() };

    [Fact]
    public void MappingAndItsTraceMatch()
    {
        using var scope = NewDisposeScope();
        using var g = G.LoadGenerator();
        using var capture = new TraceCapture();
        var traces = capture.Traces;
        Tensor w;
        using (ModuleTrace.Start(g, capture.Sink))
        {
            w = g.Map(G.Tensor("input.z"));
        }

        TensorAssert.Close(G.Tensor("out.w"), w, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.w");
        TensorAssert.Close(G.Tensor("out.get_latent"), w, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.get_latent");
        TensorAssert.Close(G.Tensor("out.w2"), g.Map(G.Tensor("input.z2")), StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.w2");
        var names = G.TensorNames("trace.mapping.").ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            string module = name["trace.mapping.".Length..];
            Assert.True(traces.ContainsKey(module), $"no trace for {module}; captured: {string.Join(", ", traces.Keys)}");
            TensorAssert.Close(G.Tensor(name), traces[module], StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, name);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ImageWithExplicitNoiseAndEveryLayerTraceMatch(OpBackend backend, ModulatedConvStrategy strategy)
    {
        using var backendScope = OpSettings.Use(backend);
        using var scope = NewDisposeScope();
        using var g = Load(strategy);
        using var capture = new TraceCapture();
        var traces = capture.Traces;
        GeneratorOutput output;
        using (ModuleTrace.Start(g, capture.Sink))
        {
            output = g.Generate(new[] { G.Tensor("input.z") }, ExplicitNoise);
        }

        TensorAssert.Close(G.Tensor("out.img"), output.Image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img");
        TensorAssert.Close(G.Tensor("out.img_latent"), output.Latent, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.img_latent");
        var names = G.TensorNames("trace.g.").ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            string module = name["trace.g.".Length..];
            Assert.True(traces.ContainsKey(module), $"no trace for {module}");
            TensorAssert.Close(G.Tensor(name), traces[module], StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, name);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ConstantNoiseUsesTheStoredBuffers(OpBackend backend, ModulatedConvStrategy strategy)
    {
        using var backendScope = OpSettings.Use(backend);
        using var scope = NewDisposeScope();
        using var g = Load(strategy);
        var output = g.Generate(new[] { G.Tensor("input.z") }, new GeneratorForwardOptions { Noise = NoiseMode.Constant });
        TensorAssert.Close(G.Tensor("out.img_const_noise"), output.Image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_const_noise");
    }

    [Fact]
    public void TruncationWithComputedMeanLatentMatches()
    {
        using var scope = NewDisposeScope();
        using var g = Load(ModulatedConvStrategy.GroupedWeights);
        var meanLatent = g.MeanLatent(G.Tensor("input.mean_latent_z"));
        TensorAssert.Close(G.Tensor("out.mean_latent"), meanLatent, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.mean_latent");
        float psi = G.Case("truncation").GetProperty("params").GetProperty("truncation").GetSingle();
        var output = g.Generate(new[] { G.Tensor("input.z") }, ExplicitNoise with { Truncation = psi, TruncationLatent = meanLatent });
        TensorAssert.Close(G.Tensor("out.img_trunc"), output.Image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_trunc");
    }

    [Fact]
    public void WAndWPlusInputsMatch()
    {
        using var scope = NewDisposeScope();
        using var g = Load(ModulatedConvStrategy.GroupedWeights);
        var fromW = g.Generate(new[] { G.Tensor("out.w") }, ExplicitNoise with { InputIsLatent = true });
        TensorAssert.Close(G.Tensor("out.img_w"), fromW.Image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_w");

        var wplusZ = G.Tensor("input.wplus_z");
        var wplus = g.Map(wplusZ).view(-1, G.LatentCount, G.StyleDim);
        TensorAssert.Close(G.Tensor("out.wplus"), wplus, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.wplus");
        var fromWPlus = g.Generate(new[] { wplus }, ExplicitNoise with { InputIsLatent = true });
        TensorAssert.Close(G.Tensor("out.img_wplus"), fromWPlus.Image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_wplus");
        TensorAssert.Close(G.Tensor("out.img_wplus_latent"), fromWPlus.Latent, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.img_wplus_latent");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void StyleMixingWithInjectIndexMatches(OpBackend backend, ModulatedConvStrategy strategy)
    {
        using var backendScope = OpSettings.Use(backend);
        using var scope = NewDisposeScope();
        using var g = Load(strategy);
        int inject = G.Case("style_mixing").GetProperty("params").GetProperty("inject_index").GetInt32();
        var output = g.Generate(new[] { G.Tensor("input.z"), G.Tensor("input.z2") }, ExplicitNoise with { InjectIndex = inject });
        TensorAssert.Close(G.Tensor("out.img_mix"), output.Image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_mix");
        TensorAssert.Close(G.Tensor("out.img_mix_latent"), output.Latent, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.img_mix_latent");
    }

    [Fact]
    public void RandomNoiseIsDeterministicForASeed()
    {
        using var scope = NewDisposeScope();
        using var g = Load(ModulatedConvStrategy.InputScaling);
        var z = G.Tensor("input.z");
        var a = g.Generate(new[] { z }, new GeneratorForwardOptions { Seed = 11 }).Image;
        var b = g.Generate(new[] { z }, new GeneratorForwardOptions { Seed = 11 }).Image;
        var c = g.Generate(new[] { z }, new GeneratorForwardOptions { Seed = 12 }).Image;
        TensorAssert.Close(a, b, 0, 0, "same seed");
        Assert.True(TensorAssert.MaxAbsDiff(a, c) > 1e-4, "different seeds gave the same image: noise is not used");
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        using var scope = NewDisposeScope();
        using var g = Load(ModulatedConvStrategy.InputScaling);
        var ex = Assert.Throws<ArgumentException>(() => g.Map(randn(2, G.StyleDim + 1)));
        Assert.Contains($"[2, {G.StyleDim + 1}]", ex.Message);
        Assert.Throws<ArgumentException>(() => g.Generate(new[] { randn(2, G.LatentCount + 1, G.StyleDim) }, new GeneratorForwardOptions { InputIsLatent = true }));
        Assert.Throws<ArgumentException>(() => g.Generate(new[] { randn(2, G.StyleDim) }, new GeneratorForwardOptions { Truncation = 0.5f }));
        Assert.Throws<ArgumentException>(() => g.Generate(new[] { randn(2, G.StyleDim) }, new GeneratorForwardOptions { Noise = NoiseMode.Explicit }));
        Assert.Throws<ArgumentException>(() => g.Generate(new[] { randn(2, G.StyleDim), randn(2, G.StyleDim) }, new GeneratorForwardOptions { InjectIndex = 0 }));
    }
}
