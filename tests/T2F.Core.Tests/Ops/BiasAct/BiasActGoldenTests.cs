using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>bias_act against rosinality's <c>fused_leaky_relu</c> on the golden vectors, both CPU paths.</summary>
[Trait("Category", "Golden")]
public class BiasActGoldenTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    [Theory]
    [InlineData("x4d", true, "out4d_bias")]
    [InlineData("x4d", false, "out4d_nobias")]
    [InlineData("x2d", true, "out2d_bias")]
    public void MatchesReference(string input, bool withBias, string output)
    {
        using var scope = NewDisposeScope();
        var x = G.Tensor($"ops.fused_lrelu.{input}");
        var bias = withBias ? G.Tensor("ops.fused_lrelu.bias") : null;
        var expected = G.Tensor($"ops.fused_lrelu.{output}");
        TensorAssert.Close(expected, BiasAct.Reference(x, bias, BiasAct.DefaultNegativeSlope, BiasAct.DefaultGain), 1e-6, 1e-6, output + " (reference)");
        TensorAssert.Close(expected, BiasAct.CpuFused(x, bias, BiasAct.DefaultNegativeSlope, BiasAct.DefaultGain), 1e-6, 1e-6, output + " (cpu-fused)");
    }

    [Fact]
    public void RejectsBiasOfWrongLength()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => BiasAct.Apply(zeros(2, 5, 3, 3), zeros(4)));
        Assert.Contains("[5]", ex.Message);
    }
}
