using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>upfirdn2d's paths on every case of its spec table (<see cref="UpFirDn2dSpec"/>).</summary>
public class UpFirDn2dTests
{
    public static TheoryData<string> Cases => new(UpFirDn2dSpec.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheDepthwisePathMatchesTheReference(string name)
    {
        var c = UpFirDn2dSpec.Case(name);
        using var scope = NewDisposeScope();
        var x = torch.tensor(c.Input(), c.Shape);
        var k = torch.tensor(c.Kernel(), [c.KernelHeight, c.KernelWidth]);
        var reference = UpFirDn2d.Reference(x, k, c.UpX, c.UpY, c.DownX, c.DownY, c.PadX0, c.PadX1, c.PadY0, c.PadY1);
        var fast = UpFirDn2d.Depthwise(x, k, c.UpX, c.UpY, c.DownX, c.DownY, c.PadX0, c.PadX1, c.PadY0, c.PadY1);
        Assert.Equal(c.OutputShape, reference.shape);
        TensorAssert.Close(reference, fast, 1e-5, 1e-5, $"upfirdn2d {c.Name} ({c.Why}): depthwise vs reference");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothPathsHaveTheSameInputGradient(string name)
    {
        // In float64 (never oneDNN): the formulations are compared, not the CPU's float32 kernels.
        var c = UpFirDn2dSpec.Case(name);
        using var scope = NewDisposeScope();
        var k = torch.tensor(c.Kernel(), [c.KernelHeight, c.KernelWidth]).to(float64);
        var upstream = randn(c.OutputShape, float64, generator: new torch.Generator(11));
        Tensor Gradient(Func<Tensor, Tensor> path)
        {
            var x = torch.tensor(c.Input(), c.Shape).to(float64).requires_grad_(true);
            (path(x) * upstream).sum().backward();
            return x.grad!;
        }

        var reference = Gradient(x => UpFirDn2d.Reference(x, k, c.UpX, c.UpY, c.DownX, c.DownY, c.PadX0, c.PadX1, c.PadY0, c.PadY1));
        var fast = Gradient(x => UpFirDn2d.Depthwise(x, k, c.UpX, c.UpY, c.DownX, c.DownY, c.PadX0, c.PadX1, c.PadY0, c.PadY1));
        TensorAssert.Close(reference, fast, 1e-12, 1e-12, $"upfirdn2d {c.Name}: input gradient");
    }

    [Fact]
    public void TheSpecNamesAreUniqueAndEveryCaseHasAnOutput()
    {
        Assert.Equal(UpFirDn2dSpec.Cases.Count, UpFirDn2dSpec.Cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(UpFirDn2dSpec.Cases, c => Assert.True(c.OutputHeight >= 1 && c.OutputWidth >= 1, c.Name));
    }
}
