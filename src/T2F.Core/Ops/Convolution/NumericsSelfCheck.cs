using System.Diagnostics;
using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace T2F.Core.Ops.Convolution;

/// <summary>
/// A small battery of convolutions, run in float32 on a chosen route and compared, output and both gradients, with
/// the same convolution in float64 (ATen's own kernels, never oneDNN). The shapes are the classes measured wrong with
/// libtorch 2.10's oneDNN on an affected CPU (input channels such as 17, 24, 33, 65, 129, 513; grouped; transposed with
/// 40 or 48 outputs per group) and classes measured right (multiples of 16, RGB input, depthwise blur), so a route
/// passes only if it is exact on both. Uses its own random generator: the global torch seed is left alone.
/// </summary>
public static class NumericsSelfCheck
{
    /// <summary>Largest relative error (max abs difference over max abs float64 value) that counts as exact. Correct
    /// float32 results measured 1e-7 to 3e-6 on these shapes; the wrong ones 3e-2 to 4e-1.</summary>
    public const double Tolerance = 1e-4;

    private static readonly Case[] Battery =
    {
        new("conv 3x3 65->16 (mbstd conv)", 1, 1, 65, 16, 16, 3, 1, 1),
        new("conv 3x3 s2 129->8", 4, 1, 129, 8, 8, 3, 2, 1),
        new("conv 3x3 513->4 (config-f mbstd)", 2, 1, 513, 4, 8, 3, 1, 1),
        new("conv 3x3 24->16", 4, 1, 24, 16, 16, 3, 1, 1),
        new("conv 1x1 33->16", 4, 1, 33, 16, 8, 1, 1, 0),
        new("conv 3x3 32->4 (few outputs)", 2, 1, 32, 4, 8, 3, 1, 1),
        new("grouped 1x1 2x(64->3) (ToRGB)", 1, 2, 64, 3, 16, 1, 1, 0),
        new("conv 3x3 3->16 (RGB input)", 4, 1, 3, 16, 16, 3, 1, 1),
        new("conv 7x7 s2 3->64 (ResNet stem)", 2, 1, 3, 64, 16, 7, 2, 3),
        new("conv 3x3 s2 12->16", 4, 1, 12, 16, 16, 3, 2, 1),
        new("conv 3x3 64->64", 4, 1, 64, 64, 16, 3, 1, 1),
        new("grouped 3x3 2x(65->16)", 1, 2, 65, 16, 16, 3, 1, 1),
        new("grouped 3x3 s2 4x(48->24)", 1, 4, 48, 24, 16, 3, 2, 0),
        new("depthwise 4x4 32 (blur)", 1, 32, 1, 1, 16, 4, 1, 0),
        new("conv 4x4 1->1 (reference blur)", 32, 1, 1, 1, 16, 4, 1, 0),
        new("grouped 3x3 2x(32->4)", 1, 2, 32, 4, 8, 3, 1, 1),
        new("transposed s2 2x(64->48)", 1, 2, 64, 48, 8, 3, 2, 0, Transposed: true),
        new("transposed s2 32->40", 4, 1, 32, 40, 8, 3, 2, 0, Transposed: true),
        new("transposed s2 48->16", 1, 1, 48, 16, 8, 3, 2, 0, Transposed: true),
        new("transposed s2 4x(65->64)", 1, 4, 65, 64, 4, 3, 2, 0, Transposed: true),
    };

    /// <summary>Runs the battery with the float32 convolutions on <paramref name="route"/>.</summary>
    /// <param name="route">A concrete route (<see cref="ConvolutionRoute.Auto"/> is not one). <see cref="ConvolutionRoute.OneDnnDisabled"/>
    /// switches oneDNN off for the process while it runs, as the route itself does.</param>
    public static SelfCheckReport Run(ConvolutionRoute route)
    {
        if (route == ConvolutionRoute.Auto)
        {
            throw new ArgumentException("The self-check tests a concrete route: Native, ChannelPadded or OneDnnDisabled.", nameof(route));
        }

        return Run(route, SelfCheckKernels.Library);
    }

    /// <summary>Runs the battery with the float32 side computed by <paramref name="kernels"/> (the seam tests use to inject a wrong convolution).</summary>
    internal static SelfCheckReport Run(ConvolutionRoute route, SelfCheckKernels kernels)
    {
        // oneDNN's switch is process-wide: hold it off for the whole battery, so that another flow's convolution on
        // another route cannot turn it back on between the cases (or between a forward pass and its gradients).
        bool hold = route == ConvolutionRoute.OneDnnDisabled;
        if (hold)
        {
            ConvolutionRouting.HoldOneDnnDisabled();
        }

        try
        {
            return RunBattery(route, kernels);
        }
        finally
        {
            if (hold)
            {
                ConvolutionRouting.ReleaseOneDnnDisabled();
            }
        }
    }

    private static SelfCheckReport RunBattery(ConvolutionRoute route, SelfCheckKernels kernels)
    {
        var watch = Stopwatch.StartNew();
        var results = new List<SelfCheckCase>(Battery.Length);
        using var grad = torch.enable_grad();
        using var generator = new torch.Generator(20251201);
        foreach (var c in Battery)
        {
            results.Add(RunCase(route, kernels, c, generator));
        }

        return new SelfCheckReport(route, results, watch.Elapsed);
    }

    private static SelfCheckCase RunCase(ConvolutionRoute route, SelfCheckKernels kernels, Case c, torch.Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        long inChannels = c.Groups * c.InPerGroup;
        var x = torch.randn(new long[] { c.Batch, inChannels, c.Size, c.Size }, generator: generator);
        var w = c.Transposed
            ? torch.randn(new long[] { inChannels, c.OutPerGroup, c.Kernel, c.Kernel }, generator: generator)
            : torch.randn(new long[] { c.Groups * c.OutPerGroup, c.InPerGroup, c.Kernel, c.Kernel }, generator: generator);

        Tensor? upstream = null;
        Tensor Upstream(long[] shape) => upstream ??= torch.randn(shape, generator: generator);
        var (y32, gx32, gw32) = Evaluate(x, w, (xi, wi) => c.Transposed
            ? kernels.ConvTranspose2d(route, xi, wi, c.Stride, c.Groups)
            : kernels.Conv2d(route, xi, wi, c.Stride, c.Padding, c.Groups), Upstream);
        var (y64, gx64, gw64) = Evaluate(x.to(float64), w.to(float64), (xi, wi) => c.Transposed
            ? F.conv_transpose2d(xi, wi, strides: new[] { c.Stride, c.Stride }, groups: c.Groups)
            : F.conv2d(xi, wi, strides: new[] { c.Stride, c.Stride }, padding: new[] { c.Padding, c.Padding }, groups: c.Groups), Upstream);

        string shape = c.Transposed
            ? $"x[{c.Batch},{inChannels},{c.Size},{c.Size}] w[{inChannels},{c.OutPerGroup},{c.Kernel},{c.Kernel}] s{c.Stride} g{c.Groups} T"
            : $"x[{c.Batch},{inChannels},{c.Size},{c.Size}] w[{c.Groups * c.OutPerGroup},{c.InPerGroup},{c.Kernel},{c.Kernel}] s{c.Stride} p{c.Padding} g{c.Groups}";
        return new SelfCheckCase(c.Name, shape, RelativeError(y32, y64), RelativeError(gx32, gx64), RelativeError(gw32, gw64), Tolerance);
    }

    // Output, and the gradients of sum(output * g) for one random g shared by both precisions, which exercises the
    // backward-data and backward-weight kernels.
    private static (Tensor Y, Tensor Gx, Tensor Gw) Evaluate(Tensor x, Tensor w, Func<Tensor, Tensor, Tensor> conv, Func<long[], Tensor> upstream)
    {
        var xi = x.detach().requires_grad_(true);
        var wi = w.detach().requires_grad_(true);
        var y = conv(xi, wi);
        var loss = (y * upstream(y.shape).to(y.dtype)).sum();
        var grads = torch.autograd.grad(new[] { loss }, new[] { xi, wi });
        return (y.detach(), grads[0], grads[1]);
    }

    private static double RelativeError(Tensor actual, Tensor expected)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
        {
            return double.PositiveInfinity;
        }

        double scale = expected.abs().max().item<double>();
        double diff = (actual.to(float64) - expected).abs().max().item<double>();
        return diff / Math.Max(scale, 1e-30);
    }

    private sealed record Case(string Name, long Batch, long Groups, long InPerGroup, long OutPerGroup, long Size, long Kernel, long Stride, long Padding, bool Transposed = false);
}
