using BenchmarkDotNet.Attributes;
using T2F.Core.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Benchmarks;

/// <summary>
/// bias_act (fused bias + leaky ReLU): the reference composition (add, leaky_relu, multiply) against the fused CPU path,
/// at StyleGAN2's activation shapes (config-f: 512 channels at 4..64, 256 at 128, 128 at 256).
/// </summary>
[MemoryDiagnoser(false)]
public class BiasActBenchmarks
{
    private Tensor x = null!;
    private Tensor bias = null!;

    [Params(1, 8)]
    public int Batch { get; set; }

    [Params("512x16", "512x64", "256x128", "128x256")]
    public string Shape { get; set; } = "512x64";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x');
        int c = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), r = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        x = torch.randn(Batch, c, r, r);
        bias = torch.randn(c);
    }

    [Benchmark(Baseline = true)]
    public long Reference()
    {
        using var y = BiasAct.Reference(x, bias, 0.2, Math.Sqrt(2));
        return y.numel();
    }

    [Benchmark]
    public long CpuFused()
    {
        using var y = BiasAct.CpuFused(x, bias, 0.2, Math.Sqrt(2));
        return y.numel();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        x.Dispose();
        bias.Dispose();
    }
}

/// <summary>upfirdn2d (the blur after an upsampling transposed conv: 4x4 kernel, pad 1) reference vs depthwise.</summary>
[MemoryDiagnoser(false)]
public class UpFirDn2dBenchmarks
{
    private Tensor x = null!;
    private Tensor kernel = null!;

    [Params(1, 8)]
    public int Batch { get; set; }

    [Params("512x33", "512x129", "256x257")]
    public string Shape { get; set; } = "512x129";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x');
        int c = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), r = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        x = torch.randn(Batch, c, r, r);
        using var k = UpFirDn2d.MakeKernel(new[] { 1f, 3f, 3f, 1f });
        kernel = k * 4;
    }

    [Benchmark(Baseline = true)]
    public long Reference()
    {
        using var y = UpFirDn2d.Reference(x, kernel, 1, 1, 1, 1, 1, 1, 1, 1);
        return y.numel();
    }

    [Benchmark]
    public long Depthwise()
    {
        using var y = UpFirDn2d.Depthwise(x, kernel, 1, 1, 1, 1, 1, 1, 1, 1);
        return y.numel();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        x.Dispose();
        kernel.Dispose();
    }
}
