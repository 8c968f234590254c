using System.Text.Json;
using T2F.Core.Checkpoints;
using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>The modulated convolution's module against the reference's golden vectors, both strategies, and its strategy choice.</summary>
[Trait("Category", "Golden")]
public class ModulatedConv2dGoldenTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var p in G.Case("ops").GetProperty("modconv_cases").EnumerateObject())
        {
            data.Add(p.Name);
        }

        return data;
    }

    private static ModulatedConv2d Build(string name)
    {
        var spec = G.Case("ops").GetProperty("modconv_cases").GetProperty(name);
        var conv = new ModulatedConv2d(
            spec.GetProperty("in_channel").GetInt32(),
            spec.GetProperty("out_channel").GetInt32(),
            spec.GetProperty("kernel_size").GetInt32(),
            spec.GetProperty("style_dim").GetInt32(),
            demodulate: spec.GetProperty("demodulate").GetBoolean(),
            upsample: spec.GetProperty("upsample").GetBoolean(),
            downsample: spec.GetProperty("downsample").GetBoolean(),
            blurTaps: G.BlurTaps);
        string prefix = $"ops.modconv_{name}.param.";
        var state = G.TensorNames(prefix).ToDictionary(n => n[prefix.Length..], n => G.Tensor(n));
        ModuleStateLoader.Load(conv, state, prefix);
        return conv;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GroupedWeightsMatchReferenceFusedPath(string name)
    {
        using var scope = NewDisposeScope();
        var conv = Build(name);
        conv.Strategy = ModulatedConvStrategy.GroupedWeights;
        var y = conv.forward(G.Tensor($"ops.modconv_{name}.x"), G.Tensor($"ops.modconv_{name}.style"));
        TensorAssert.Close(G.Tensor($"ops.modconv_{name}.out"), y, 1e-5, 1e-4, $"modconv {name} (grouped)");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void InputScalingMatchesReferenceUnfusedPath(string name)
    {
        using var scope = NewDisposeScope();
        var conv = Build(name);
        conv.Strategy = ModulatedConvStrategy.InputScaling;
        var y = conv.forward(G.Tensor($"ops.modconv_{name}.x"), G.Tensor($"ops.modconv_{name}.style"));
        TensorAssert.Close(G.Tensor($"ops.modconv_{name}.out_unfused"), y, 1e-5, 1e-4, $"modconv {name} (input scaling)");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BothStrategiesAgree(string name)
    {
        using var scope = NewDisposeScope();
        var conv = Build(name);
        var x = G.Tensor($"ops.modconv_{name}.x");
        var s = G.Tensor($"ops.modconv_{name}.style");
        conv.Strategy = ModulatedConvStrategy.GroupedWeights;
        var a = conv.forward(x, s);
        conv.Strategy = ModulatedConvStrategy.InputScaling;
        var b = conv.forward(x, s);
        TensorAssert.Close(a, b, 1e-5, 1e-5, $"modconv {name} grouped vs input scaling");
    }

    [Fact]
    public void AutoStrategyFollowsTheBackendSwitchAndTheMeasuredRule()
    {
        using var scope = NewDisposeScope();
        var conv = new ModulatedConv2d(64, 64, 3, 4);
        var small = zeros(1, 64, 4, 4);     // weights (36,864) >= activations (1,024): input scaling
        var large = zeros(1, 64, 64, 64);   // activations (262,144) > weights: grouped
        using (OpSettings.Use(OpBackend.Reference))
        {
            Assert.Equal(ModulatedConvStrategy.GroupedWeights, conv.StrategyFor(small));
        }

        using (OpSettings.Use(OpBackend.CpuFused))
        {
            Assert.Equal(ModulatedConvStrategy.InputScaling, conv.StrategyFor(small));
            Assert.Equal(ModulatedConvStrategy.GroupedWeights, conv.StrategyFor(large));
            conv.Strategy = ModulatedConvStrategy.InputScaling;
            Assert.Equal(ModulatedConvStrategy.InputScaling, conv.StrategyFor(large));
        }

        Assert.Equal(ModulatedConvStrategy.GroupedWeights, ModulatedConv2d.ChooseStrategy(8, 512, 3, 1, 4, 4));
        Assert.Equal(ModulatedConvStrategy.InputScaling, ModulatedConv2d.ChooseStrategy(8, 512, 512, 3, 32, 32));
        Assert.Equal(ModulatedConvStrategy.GroupedWeights, ModulatedConv2d.ChooseStrategy(8, 128, 128, 3, 256, 256));
    }

    [Fact]
    public void ShapeErrorsNameBothShapes()
    {
        using var scope = NewDisposeScope();
        var conv = new ModulatedConv2d(4, 4, 3, 8);
        var ex = Assert.Throws<ArgumentException>(() => conv.forward(randn(2, 5, 8, 8), randn(2, 8)));
        Assert.Contains("[2, 5, 8, 8]", ex.Message);
        Assert.Throws<ArgumentException>(() => conv.forward(randn(2, 4, 8, 8), randn(3, 8)));
    }
}
