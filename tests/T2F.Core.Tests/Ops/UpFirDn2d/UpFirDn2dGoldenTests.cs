using System.Text.Json;
using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>upfirdn2d and the modules that use it against rosinality's <c>upfirdn2d_native</c> on the golden vectors, both CPU paths.</summary>
[Trait("Category", "Golden")]
public class UpFirDn2dGoldenTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    private static IEnumerable<JsonElement> Cases => G.Case("ops").GetProperty("upfirdn2d_cases").EnumerateArray();

    [Theory]
    [InlineData(OpBackend.Reference)]
    [InlineData(OpBackend.CpuFused)]
    public void EveryManifestCaseMatches(OpBackend backend)
    {
        using var backendScope = OpSettings.Use(backend);
        int checkedCases = 0;
        foreach (var c in Cases)
        {
            using var scope = NewDisposeScope();
            string name = c.GetProperty("name").GetString()!;
            var kernel = G.Tensor(c.GetProperty("kernel").GetString()!);
            int up = c.GetProperty("up").GetInt32();
            int down = c.GetProperty("down").GetInt32();
            int[] pad = c.GetProperty("pad").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var y = UpFirDn2d.Apply(G.Tensor("ops.upfirdn2d.x"), kernel, up, down, pad);
            TensorAssert.Close(G.Tensor($"ops.upfirdn2d.{name}"), y, 1e-5, 1e-5, $"upfirdn2d case {name} ({backend})");
            checkedCases++;
        }

        Assert.True(checkedCases > 0, "The manifest lists no upfirdn2d cases.");
    }

    [Theory]
    [InlineData(OpBackend.Reference)]
    [InlineData(OpBackend.CpuFused)]
    public void BlurModulesMatch(OpBackend backend)
    {
        using var backendScope = OpSettings.Use(backend);
        using var scope = NewDisposeScope();
        var x = G.Tensor("ops.blur.x");
        var taps = G.BlurTaps;
        TensorAssert.Close(G.Tensor("ops.blur.upsample"), new Upsample(taps).forward(x), 1e-5, 1e-5, "Upsample");
        TensorAssert.Close(G.Tensor("ops.blur.blur_up_pad11"), new Blur(taps, 1, 1, upsampleFactor: 2).forward(x), 1e-5, 1e-5, "Blur pad (1,1) x4");
        TensorAssert.Close(G.Tensor("ops.blur.blur_down_k3"), new Blur(taps, 2, 2).forward(x), 1e-5, 1e-5, "Blur pad (2,2)");
        TensorAssert.Close(G.Tensor("ops.blur.blur_down_k1"), new Blur(taps, 1, 1).forward(x), 1e-5, 1e-5, "Blur pad (1,1)");
    }

    [Theory]
    [InlineData(OpBackend.Reference)]
    [InlineData(OpBackend.CpuFused)]
    public void KernelIsFlippedAsInTheReference(OpBackend backend)
    {
        using var backendScope = OpSettings.Use(backend);
        // A delta input reproduces the kernel itself under a true convolution (and its mirror under correlation).
        using var scope = NewDisposeScope();
        var kernel = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        var x = zeros(1, 1, 1, 1);
        x[0, 0, 0, 0] = tensor(1f);
        var y = UpFirDn2d.Apply(x, kernel, 1, 1, 2, 2, 1, 1);
        TensorAssert.Close(kernel.reshape(1, 1, 2, 3), y, 0, 0, "delta response");
    }

    [Fact]
    public void DownsampleHalvesAndOutputSizeFormulaHolds()
    {
        using var scope = NewDisposeScope();
        var y = new Downsample(StyleGan2Defaults.BlurTaps).forward(ones(1, 2, 8, 6));
        Assert.Equal(new long[] { 1, 2, 4, 3 }, y.shape);
        Assert.Equal(4, UpFirDn2d.OutputSize(8, 1, 2, 1, 1, 4));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => UpFirDn2d.Apply(ones(2, 3, 4), ones(2, 2)));
        Assert.Throws<ArgumentException>(() => UpFirDn2d.Apply(ones(1, 1, 4, 4), ones(2, 2), 1, 1, 1, 2, 3));
        Assert.Throws<ArgumentException>(() => UpFirDn2d.Apply(ones(1, 1, 2, 2), ones(4, 4), 1, 1, -2, -2));
    }
}
