using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>The modulated convolution's two paths on every case of its spec table (<see cref="ModulatedConvSpec"/>).</summary>
public class ModulatedConvTests
{
    public static TheoryData<string> Cases => new(ModulatedConvSpec.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void InputScalingMatchesTheGroupedReference(string name)
    {
        // float32 on this machine's convolution route: what the generator runs.
        var c = ModulatedConvSpec.Case(name);
        using var scope = NewDisposeScope();
        var (x, w, s, blur) = Inputs(c, float32);
        var reference = ModulatedConv.Grouped(x, w, s, c.Demodulate, c.Upsample, c.Downsample, blur);
        var fast = ModulatedConv.InputScaled(x, w, s, c.Demodulate, c.Upsample, c.Downsample, blur);
        TensorAssert.Close(reference, fast, 1e-5, 1e-4, $"modconv {c.Name} ({c.Why}): input scaling vs grouped");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothPathsHaveTheSameGradients(string name)
    {
        // In float64 (never oneDNN): the formulations are compared, not the CPU's float32 kernels.
        var c = ModulatedConvSpec.Case(name);
        using var scope = NewDisposeScope();
        var (x0, w0, s0, blur) = Inputs(c, float64);
        Tensor[] Gradients(Func<Tensor, Tensor, Tensor, Tensor> path)
        {
            var x = x0.clone().requires_grad_(true);
            var w = w0.clone().requires_grad_(true);
            var s = s0.clone().requires_grad_(true);
            var y = path(x, w, s);
            var upstream = randn(y.shape, float64, generator: new torch.Generator(13));
            (y * upstream).sum().backward();
            return [x.grad!, w.grad!, s.grad!];
        }

        var reference = Gradients((x, w, s) => ModulatedConv.Grouped(x, w, s, c.Demodulate, c.Upsample, c.Downsample, blur));
        var fast = Gradients((x, w, s) => ModulatedConv.InputScaled(x, w, s, c.Demodulate, c.Upsample, c.Downsample, blur));
        string[] names = ["input", "weight", "styles"];
        for (int i = 0; i < 3; i++)
        {
            TensorAssert.Close(reference[i], fast[i], 1e-10, 1e-9, $"modconv {c.Name}: {names[i]} gradient");
        }
    }

    [Theory]
    [InlineData(3, true, false, 1, 1)]
    [InlineData(3, false, true, 2, 2)]
    [InlineData(1, true, false, 2, 2)]
    public void BlurPadsAreTheReferences(int kernelSize, bool upsample, bool downsample, int pad0, int pad1)
    {
        Assert.True(upsample != downsample);
        Assert.Equal((pad0, pad1), ModulatedConv.BlurPads(StyleGan2Defaults.BlurTaps.Count, kernelSize, upsample));
    }

    [Fact]
    public void TheSpecNamesAreUniqueAndNoCaseBothResamples()
    {
        Assert.Equal(ModulatedConvSpec.Cases.Count, ModulatedConvSpec.Cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ModulatedConvSpec.Cases.Concat(ModulatedConvSpec.Timing), c => Assert.False(c.Upsample && c.Downsample, c.Name));
        Assert.Throws<ArgumentException>(() => ModulatedConv.Apply(ModulatedConvStrategy.Auto, zeros(1, 1, 4, 4), zeros(1, 1, 3, 3), ones(1, 1), true, false, false, null));
    }

    private static (Tensor X, Tensor W, Tensor S, Tensor? Blur) Inputs(ModulatedConvCase c, ScalarType dtype)
    {
        var x = torch.tensor(c.Input(), c.InputShape).to(dtype);
        var w = torch.tensor(c.Weight(), c.WeightShape).to(dtype);
        var s = torch.tensor(c.Styles(), [c.Batch, c.InChannels]).to(dtype);
        var blur = c.Upsample || c.Downsample ? ModulatedConv.BlurKernel(StyleGan2Defaults.BlurTaps, c.Upsample) : null;
        return (x, w, s, blur);
    }
}
