using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>bias_act's paths on every case of its spec table (<see cref="BiasActSpec"/>), and the dispatch of <see cref="BiasAct.Apply"/>.</summary>
public class BiasActTests
{
    public static TheoryData<string> Cases => new(BiasActSpec.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheFusedCpuPathMatchesTheReference(string name)
    {
        var c = BiasActSpec.Case(name);
        using var scope = NewDisposeScope();
        var x = torch.tensor(c.Input(), c.Shape);
        var bias = c.Bias() is { } b ? torch.tensor(b, [c.Channels]) : null;
        var reference = BiasAct.Reference(x, bias, c.NegativeSlope, c.Gain);
        var fused = BiasAct.CpuFused(x, bias, c.NegativeSlope, c.Gain);
        TensorAssert.Close(reference, fused, 1e-7, 1e-6, $"bias_act {c.Name} ({c.Why}): fused vs reference");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ApplyUnderTheFusedBackendKeepsTheReferenceGradients(string name)
    {
        // The fused path records no graph: Apply must notice the gradient and take the reference path.
        var c = BiasActSpec.Case(name);
        using var scope = NewDisposeScope();
        using var backend = OpSettings.Use(OpBackend.CpuFused);
        var x = torch.tensor(c.Input(), c.Shape).requires_grad_(true);
        var bias = c.Bias() is { } b ? torch.tensor(b, [c.Channels]).requires_grad_(true) : null;
        var upstream = torch.tensor(c.OutputGradient(), c.Shape);
        var y = BiasAct.Apply(x, bias, c.NegativeSlope, c.Gain);
        Assert.True(y.requires_grad, "the fused path dropped the autograd graph");
        (y * upstream).sum().backward();

        var xr = x.detach().clone().requires_grad_(true);
        var br = bias?.detach().clone().requires_grad_(true);
        (BiasAct.Reference(xr, br, c.NegativeSlope, c.Gain) * upstream).sum().backward();
        TensorAssert.Close(xr.grad!, x.grad!, 0, 0, $"{c.Name} dx");
        if (bias is not null)
        {
            TensorAssert.Close(br!.grad!, bias.grad!, 0, 0, $"{c.Name} db");
        }
    }

    [Fact]
    public void NonContiguousInputIsHandled()
    {
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(5);
        var x = randn(new long[] { 4, 6, 5, 3 }, generator: gen).transpose(2, 3);
        var b = randn(new long[] { 6 }, generator: gen);
        TensorAssert.Close(BiasAct.Reference(x, b, 0.2, 2), BiasAct.CpuFused(x, b, 0.2, 2), 1e-7, 1e-6, "transposed input");
    }

    [Fact]
    public void ApplyUnderNoGradTakesTheFusedPathAndMatches()
    {
        using var scope = NewDisposeScope();
        using var backend = OpSettings.Use(OpBackend.CpuFused);
        using var noGrad = no_grad();
        var gen = new torch.Generator(6);
        var x = randn(new long[] { 2, 8, 32, 32 }, generator: gen);
        var b = randn(new long[] { 8 }, generator: gen);
        TensorAssert.Close(BiasAct.Reference(x, b, 0.2, Math.Sqrt(2)), BiasAct.Apply(x, b), 1e-7, 1e-6, "Apply (cpu-fused)");
    }

    [Fact]
    public void CpuFusedRejectsWhatItCannotDo()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => BiasAct.CpuFused(zeros(2, 3, 4).to(ScalarType.Float64), null, 0.2, 1));
        Assert.Throws<ArgumentException>(() => BiasAct.CpuFused(zeros(2, 3, 4), null, 1.5, 1));
        Assert.Throws<ArgumentException>(() => BiasAct.CpuFused(zeros(2, 3, 4), zeros(4), 0.2, 1));
    }

    [Fact]
    public void TheSpecNamesAreUniqueAndEveryCaseSaysWhy()
    {
        Assert.Equal(BiasActSpec.Cases.Count, BiasActSpec.Cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(BiasActSpec.Cases.Concat(BiasActSpec.Timing), c => Assert.False(string.IsNullOrWhiteSpace(c.Why), c.Name));
        Assert.Throws<ArgumentException>(() => BiasActSpec.Case("nope"));
    }
}
