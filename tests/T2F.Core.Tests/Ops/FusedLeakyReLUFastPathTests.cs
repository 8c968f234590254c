using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>The fused CPU path against the reference composition, forward and gradient routing.</summary>
public class FusedLeakyReLUFastPathTests
{
    public static TheoryData<long[], bool, double, double> Shapes => new()
    {
        { new long[] { 3, 5 }, true, 0.2, Math.Sqrt(2) },
        { new long[] { 2, 7, 3, 4 }, true, 0.2, Math.Sqrt(2) },
        { new long[] { 2, 7, 3, 4 }, false, 0.2, Math.Sqrt(2) },
        { new long[] { 1, 512, 16, 16 }, true, 0.2, Math.Sqrt(2) },
        { new long[] { 4, 64, 64, 64 }, true, 0.2, Math.Sqrt(2) },       // 1M elements: the parallel path
        { new long[] { 2, 3, 4, 5, 6 }, true, 0.1, 1.0 },
        { new long[] { 5, 9, 4099 }, true, 0.0, 2.5 },                  // chunk boundary, ReLU
        { new long[] { 2, 4, 3, 3 }, true, 1.0, 0.5 },                  // slope 1: linear
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheReferenceWithin1e6Relative(long[] shape, bool withBias, double slope, double gain)
    {
        using var scope = NewDisposeScope();
        manual_seed(shape.Aggregate(17L, (a, b) => (a * 31) + b));
        var x = randn(shape);
        var bias = withBias ? randn(shape[1]) : null;
        var reference = FusedLeakyReLU.Reference(x, bias, slope, gain);
        var fused = FusedLeakyReLU.CpuFused(x, bias, slope, gain);
        TensorAssert.Close(reference, fused, 1e-7, 1e-6, $"fused vs reference {string.Join("x", shape)}");
    }

    [Fact]
    public void NonContiguousInputIsHandled()
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 6, 5, 3).transpose(2, 3);
        var b = randn(6);
        TensorAssert.Close(FusedLeakyReLU.Reference(x, b, 0.2, 2), FusedLeakyReLU.CpuFused(x, b, 0.2, 2), 1e-7, 1e-6, "transposed input");
    }

    [Fact]
    public void ApplyUsesTheReferencePathWhenGradientsAreNeeded()
    {
        using var scope = NewDisposeScope();
        using var backend = new BackendScope(OpBackend.CpuFused);
        var x = randn(2, 3, 4, 4).requires_grad_(true);
        var b = randn(3).requires_grad_(true);
        var y = FusedLeakyReLU.Apply(x, b);
        Assert.True(y.requires_grad, "the fused path dropped the autograd graph");
        y.sum().backward();

        var xr = x.detach().clone().requires_grad_(true);
        var br = b.detach().clone().requires_grad_(true);
        FusedLeakyReLU.Reference(xr, br, 0.2, Math.Sqrt(2)).sum().backward();
        TensorAssert.Close(xr.grad!, x.grad!, 0, 0, "dx");
        TensorAssert.Close(br.grad!, b.grad!, 0, 0, "db");
    }

    [Fact]
    public void ApplyUnderNoGradTakesTheFusedPathAndMatches()
    {
        using var scope = NewDisposeScope();
        using var backend = new BackendScope(OpBackend.CpuFused);
        using var noGrad = no_grad();
        var x = randn(2, 8, 32, 32);
        var b = randn(8);
        TensorAssert.Close(FusedLeakyReLU.Reference(x, b, 0.2, Math.Sqrt(2)), FusedLeakyReLU.Apply(x, b), 1e-7, 1e-6, "Apply (cpu-fused)");
    }

    [Fact]
    public void CpuFusedRejectsWhatItCannotDo()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => FusedLeakyReLU.CpuFused(randn(2, 3, 4).to(ScalarType.Float64), null, 0.2, 1));
        Assert.Throws<ArgumentException>(() => FusedLeakyReLU.CpuFused(randn(2, 3, 4), null, 1.5, 1));
        Assert.Throws<ArgumentException>(() => FusedLeakyReLU.CpuFused(randn(2, 3, 4), randn(4), 0.2, 1));
    }
}
