using System.Diagnostics;
using T2F.Core.Cuda;
using T2F.Core.Generation;
using T2F.Core.Ops;

namespace T2F.CudaCheck;

/// <summary>Runs every spec case through the kernels (via each op's launcher), compares with the expected values and times it.</summary>
/// <param name="driver">The driver.</param>
/// <param name="kernels">The compiled kernels.</param>
/// <param name="expected">The reference path's outputs.</param>
/// <param name="reps">Timed launches per row.</param>
/// <param name="results">Where the rows go.</param>
internal sealed class KernelChecks(ICudaDriver driver, CudaKernels kernels, ExpectedValues expected, int reps, List<CheckResult> results)
{
    private const float Slope = (float)BiasAct.DefaultNegativeSlope;

    /// <summary>Every case of every op, then the timing-only shapes.</summary>
    public void RunAll()
    {
        foreach (var c in BiasActSpec.Cases)
        {
            CheckBiasAct(c);
        }

        foreach (var c in UpFirDn2dSpec.Cases)
        {
            CheckUpFirDn2d(c);
        }

        foreach (var c in ModulatedConvSpec.Cases)
        {
            CheckModulatedConv(c);
        }

        foreach (var c in BiasActSpec.Timing)
        {
            TimeBiasAct(c);
        }

        foreach (var c in ModulatedConvSpec.Timing)
        {
            TimeModulatedConv(c);
        }
    }

    private void CheckBiasAct(BiasActCase c)
    {
        long n = c.Elements;
        using var x = DeviceBuffer.Upload(driver, c.Input());
        using var b = c.Bias() is { } bias ? DeviceBuffer.Upload(driver, bias) : null;
        using var y = new DeviceBuffer(driver, n);
        double ms = Time(() => BiasActCuda.Forward(kernels, x.Pointer, b?.Pointer ?? 0, y.Pointer, n, (int)c.Channels, c.Inner, true, (float)c.NegativeSlope, (float)c.Gain));
        Add("bias_act forward", c.ShapeText, y.Download(), expected.Get(ExpectedValues.Key("bias_act", c.Name, "y"), n), 1e-5, 1e-5, ms, c);

        using var g = DeviceBuffer.Upload(driver, c.OutputGradient());
        using var dx = new DeviceBuffer(driver, n);
        ms = Time(() => BiasActCuda.Backward(kernels, g.Pointer, y.Pointer, dx.Pointer, n, true, (float)c.NegativeSlope, (float)c.Gain));
        Add("bias_act backward", c.ShapeText, dx.Download(), expected.Get(ExpectedValues.Key("bias_act", c.Name, "dx"), n), 1e-5, 1e-5, ms, c);
        if (b is not null)
        {
            using var db = new DeviceBuffer(driver, c.Channels);
            ms = Time(() => BiasActCuda.BiasGradient(kernels, dx.Pointer, db.Pointer, c.Shape[0], (int)c.Channels, c.Inner));
            Add("bias_act bias gradient", c.ShapeText, db.Download(), expected.Get(ExpectedValues.Key("bias_act", c.Name, "db"), c.Channels), 1e-4, 1e-5, ms, c);
        }
    }

    private void CheckUpFirDn2d(UpFirDn2dCase c)
    {
        using var x = DeviceBuffer.Upload(driver, c.Input());
        using var k = DeviceBuffer.Upload(driver, c.Kernel());
        using var y = new DeviceBuffer(driver, c.OutputShape.Aggregate(1L, (a, e) => a * e));
        double ms = Time(() => UpFirDn2dCuda.Forward(kernels, x.Pointer, k.Pointer, y.Pointer, (int)(c.Shape[0] * c.Shape[1]), (int)c.Shape[2], (int)c.Shape[3], c.KernelHeight, c.KernelWidth, c.UpX, c.UpY, c.DownX, c.DownY, c.PadX0, c.PadY0, (int)c.OutputHeight, (int)c.OutputWidth));
        Add("upfirdn2d", c.ShapeText, y.Download(), expected.Get(ExpectedValues.Key("upfirdn2d", c.Name, "y"), y.Count), 1e-5, 1e-5, ms, c);
    }

    private void CheckModulatedConv(ModulatedConvCase c)
    {
        int b = c.Batch, i = c.InChannels, o = c.OutChannels, hw = c.Size, k = c.KernelSize;
        float scale = (float)ModulatedConv.Scale(i, k);
        using var x = DeviceBuffer.Upload(driver, c.Input());
        using var w = DeviceBuffer.Upload(driver, c.Weight());
        using var s = DeviceBuffer.Upload(driver, c.Styles());
        using var weights = new DeviceBuffer(driver, (long)b * o * i * k * k);
        using var demod = new DeviceBuffer(driver, (long)b * o);
        double ms = Time(() => ModulatedConvCuda.ModulateWeights(kernels, w.Pointer, s.Pointer, weights.Pointer, demod.Pointer, b, o, i, k * k, scale, c.Demodulate));
        Add("modulate", c.ShapeText, weights.Download(), expected.Get(ExpectedValues.Key("modconv", c.Name, "weights"), weights.Count), 1e-5, 1e-4, ms, c);
        if (c.Demodulate)
        {
            Add("demodulation coefficients", c.ShapeText, demod.Download(), expected.Get(ExpectedValues.Key("modconv", c.Name, "demod"), demod.Count), 1e-5, 1e-4, ms, c);
        }

        ulong d = c.Demodulate ? demod.Pointer : 0;
        var blurTaps = StyleGan2Defaults.BlurTaps;

        // The blur kernels come with the expected values: making them here would need libtorch, which the GPU publish lacks.
        float[] Blur(bool up) => expected.Get(ExpectedValues.Key("modconv", "blur", up ? "up" : "down"), blurTaps.Count * blurTaps.Count);
        if (c.Upsample)
        {
            // The transposed convolution, then upfirdn2d's kernel as the blur: the StyleGAN2 up-sampling layer.
            int th = (2 * (hw - 1)) + k;
            var (p0, p1) = ModulatedConv.BlurPads(blurTaps.Count, k, upsample: true);
            long outSize = UpFirDn2d.OutputSize(th, 1, 1, p0, p1, blurTaps.Count);
            using var blur = DeviceBuffer.Upload(driver, Blur(up: true));
            using var t = new DeviceBuffer(driver, (long)b * o * th * th);
            using var y = new DeviceBuffer(driver, b * o * outSize * outSize);
            ms = Time(() =>
            {
                ModulatedConvCuda.Transpose2x(kernels, x.Pointer, w.Pointer, s.Pointer, d, t.Pointer, b, i, o, hw, hw, k, scale);
                UpFirDn2dCuda.Forward(kernels, t.Pointer, blur.Pointer, y.Pointer, b * o, th, th, blurTaps.Count, blurTaps.Count, 1, 1, 1, 1, p0, p0, (int)outSize, (int)outSize);
            });
            Add("modconv up (transposed + blur)", c.ShapeText, y.Download(), expected.Get(ExpectedValues.Key("modconv", c.Name, "y"), y.Count), 1e-4, 1e-4, ms, c);
        }
        else if (c.Downsample)
        {
            // upfirdn2d's kernel as the blur, then the direct convolution with stride 2: the StyleGAN2 down-sampling layer.
            var (p0, p1) = ModulatedConv.BlurPads(blurTaps.Count, k, upsample: false);
            int bh = (int)UpFirDn2d.OutputSize(hw, 1, 1, p0, p1, blurTaps.Count);
            int outSize = ((bh - k) / 2) + 1;
            using var blur = DeviceBuffer.Upload(driver, Blur(up: false));
            using var blurred = new DeviceBuffer(driver, (long)b * i * bh * bh);
            using var y = new DeviceBuffer(driver, (long)b * o * outSize * outSize);
            ms = Time(() =>
            {
                UpFirDn2dCuda.Forward(kernels, x.Pointer, blur.Pointer, blurred.Pointer, b * i, hw, hw, blurTaps.Count, blurTaps.Count, 1, 1, 1, 1, p0, p0, bh, bh);
                ModulatedConvCuda.Direct(kernels, blurred.Pointer, w.Pointer, s.Pointer, d, y.Pointer, b, i, o, bh, bh, k, 2, 0, scale);
            });
            Add("modconv down (blur + stride 2)", c.ShapeText, y.Download(), expected.Get(ExpectedValues.Key("modconv", c.Name, "y"), y.Count), 1e-4, 1e-4, ms, c);
        }
        else
        {
            using var y = new DeviceBuffer(driver, (long)b * o * hw * hw);
            ms = Time(() => ModulatedConvCuda.Direct(kernels, x.Pointer, w.Pointer, s.Pointer, d, y.Pointer, b, i, o, hw, hw, k, 1, k / 2, scale));
            Add("modconv direct", c.ShapeText, y.Download(), expected.Get(ExpectedValues.Key("modconv", c.Name, "y"), y.Count), 1e-4, 1e-4, ms, c);
        }
    }

    private void TimeBiasAct(BiasActCase c)
    {
        long n = c.Elements;
        using var x = DeviceBuffer.Upload(driver, c.Input());
        using var bias = DeviceBuffer.Upload(driver, c.Bias()!);
        using var y = new DeviceBuffer(driver, n);
        double ms = Time(() => BiasActCuda.Forward(kernels, x.Pointer, bias.Pointer, y.Pointer, n, (int)c.Channels, c.Inner, true, Slope, (float)c.Gain));
        AddTiming("bias_act forward", c.ShapeText, ms, c);
    }

    private void TimeModulatedConv(ModulatedConvCase c)
    {
        int b = c.Batch, i = c.InChannels, o = c.OutChannels, hw = c.Size, k = c.KernelSize;
        float scale = (float)ModulatedConv.Scale(i, k);
        using var x = DeviceBuffer.Upload(driver, c.Input());
        using var w = DeviceBuffer.Upload(driver, c.Weight());
        using var s = DeviceBuffer.Upload(driver, c.Styles());
        using var weights = new DeviceBuffer(driver, (long)b * o * i * k * k);
        using var demod = new DeviceBuffer(driver, (long)b * o);
        using var y = new DeviceBuffer(driver, (long)b * o * hw * hw);
        double ms = Time(() =>
        {
            ModulatedConvCuda.ModulateWeights(kernels, w.Pointer, s.Pointer, weights.Pointer, demod.Pointer, b, o, i, k * k, scale, true);
            ModulatedConvCuda.Direct(kernels, x.Pointer, w.Pointer, s.Pointer, demod.Pointer, y.Pointer, b, i, o, hw, hw, k, 1, k / 2, scale);
        });
        AddTiming("modconv timing", c.ShapeText, ms, c);
    }

    private void Add(string op, string shape, float[] actual, float[] reference, double atol, double rtol, double ms, object spec)
    {
        double maxAbs = 0;
        bool within = true;
        for (int j = 0; j < reference.Length; j++)
        {
            double diff = Math.Abs((double)actual[j] - reference[j]);
            if (double.IsNaN(diff))
            {
                maxAbs = double.NaN;
                within = false;
                break;
            }

            maxAbs = Math.Max(maxAbs, diff);
            within &= diff <= atol + (rtol * Math.Abs(reference[j]));
        }

        var r = new CheckResult(op, shape, maxAbs, atol, within, ms, Describe(spec));
        results.Add(r);
        Console.WriteLine($"{op} {shape}: max abs error {maxAbs:E2} (atol {atol:E0}, rtol {rtol:E0}) {(r.Passed ? "ok" : "FAILED")}, {ms:F3} ms");
    }

    private void AddTiming(string op, string shape, double ms, object spec)
    {
        results.Add(new CheckResult(op, shape, 0, 0, true, ms, Describe(spec) + "; timed only"));
        Console.WriteLine($"{op} {shape}: {ms:F3} ms (timed only)");
    }

    private static string Describe(object spec) => spec switch
    {
        BiasActCase c => $"{c.Name}: {c.Why}",
        UpFirDn2dCase c => $"{c.Name}: {c.Why}",
        ModulatedConvCase c => $"{c.Name}: {c.Why}",
        _ => spec.ToString() ?? string.Empty,
    };

    private double Time(Action launch)
    {
        launch();
        driver.Synchronize();
        var sw = Stopwatch.StartNew();
        for (int j = 0; j < reps; j++)
        {
            launch();
        }

        driver.Synchronize();
        return sw.Elapsed.TotalMilliseconds / reps;
    }
}
