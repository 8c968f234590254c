// GPU check: compiles the project's CUDA kernels with NVRTC, compares each with a plain C# reference
// (max abs error) and times it. Writes results.json and results.md into --out.
//   T2F.CudaCheck --out DIR [--reps N]
// Exit codes: 0 all checks passed; 1 a check failed; 3 no CUDA driver/device/NVRTC (the reason is written too).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using T2F.Core.Cuda;

namespace T2F.CudaCheck;

public static class Program
{
    private sealed record Result(string Op, string Shape, double MaxAbsError, double Tolerance, bool Passed, double MilliSeconds, string Note);

    public static int Main(string[] args)
    {
        string outDir = ArgValue(args, "--out", "cuda-check");
        int reps = int.Parse(ArgValue(args, "--reps", "20"), CultureInfo.InvariantCulture);
        Directory.CreateDirectory(outDir);
        var results = new List<Result>();
        string device;
        try
        {
            using var driver = CudaDriverApi.Create();
            device = $"{driver.DeviceName} (sm_{driver.ComputeCapability.Major}{driver.ComputeCapability.Minor})";
            var nvrtc = NvrtcCompiler.Create();
            var compile = Stopwatch.StartNew();
            using var kernels = new CudaKernels(driver, nvrtc, new PtxCache(Path.Combine(outDir, "ptx-cache")));
            Console.WriteLine($"{device}: {nvrtc.Version}, kernels compiled in {compile.Elapsed.TotalSeconds:F2} s: {string.Join(", ", kernels.KernelNames)}");
            var check = new Checks(driver, kernels, reps, results);
            check.BiasAct(8, 512, 64 * 64);
            check.BiasAct(1, 128, 256 * 256);
            check.Modulate(8, 512, 512, 9);
            check.ModConv(2, 64, 48, 32, 3, stride: 1, pad: 1, demodulate: true);
            check.ModConv(2, 64, 3, 32, 1, stride: 1, pad: 0, demodulate: false);
            check.ModConv(2, 32, 40, 17, 3, stride: 2, pad: 0, demodulate: true);
            check.ModConvUp(2, 48, 40, 16);
            check.UpFirDn(4, 3, 19, 17, up: 2, down: 1, p0: 2, p1: 1);
            check.UpFirDn(4, 3, 19, 17, up: 1, down: 2, p0: 2, p1: 2);
            check.UpFirDn(4, 3, 19, 17, up: 2, down: 2, p0: -1, p1: 2);
            check.TimeModConv(1, 512, 512, 16, 3);
            check.TimeModConv(8, 512, 512, 64, 3);
            check.TimeModConv(1, 128, 128, 256, 3);
        }
        catch (CudaException e)
        {
            WriteJson(Path.Combine(outDir, "results.json"), null, e.Message, results);
            File.WriteAllText(Path.Combine(outDir, "results.md"), $"CUDA not available: {e.Message}\n");
            Console.Error.WriteLine($"CUDA not available: {e.Message}");
            return 3;
        }

        WriteJson(Path.Combine(outDir, "results.json"), device, null, results);
        var md = new StringBuilder($"GPU: {device}\n\n| op | shape | max abs error | tolerance | ok | ms | note |\n|---|---|---:|---:|---|---:|---|\n");
        foreach (var r in results)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {r.Op} | {r.Shape} | {r.MaxAbsError:E2} | {r.Tolerance:E0} | {(r.Passed ? "yes" : "NO")} | {r.MilliSeconds:F3} | {r.Note} |\n");
        }

        File.WriteAllText(Path.Combine(outDir, "results.md"), md.ToString());
        Console.WriteLine(md);
        return results.All(r => r.Passed) ? 0 : 1;
    }

    // Written by hand: the harness is published trimmed, where reflection-based serialization is unavailable.
    private static void WriteJson(string path, string? device, string? reason, List<Result> results)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteBoolean("available", device is not null);
        if (device is not null)
        {
            json.WriteString("device", device);
        }

        if (reason is not null)
        {
            json.WriteString("reason", reason);
        }

        json.WriteStartArray("results");
        foreach (var r in results)
        {
            json.WriteStartObject();
            json.WriteString("op", r.Op);
            json.WriteString("shape", r.Shape);
            json.WriteNumber("max_abs_error", double.IsNaN(r.MaxAbsError) ? -1 : r.MaxAbsError);
            json.WriteNumber("tolerance", r.Tolerance);
            json.WriteBoolean("passed", r.Passed);
            json.WriteNumber("ms", r.MilliSeconds);
            json.WriteString("note", r.Note);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string ArgValue(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed class Checks(ICudaDriver driver, CudaKernels kernels, int reps, List<Result> results)
    {
        private readonly Random random = new(1234);

        public void BiasAct(int outer, int channels, int inner)
        {
            int n = outer * channels * inner;
            var x = Randn(n);
            var b = Randn(channels);
            using var dx = Upload(x);
            using var db = Upload(b);
            using var dy = new Buffer(driver, n);
            double ms = Time(() => kernels.BiasActForward(dx.Pointer, db.Pointer, dy.Pointer, n, channels, inner, true, 0.2f, MathF.Sqrt(2)));
            var y = dy.Download(n);
            var expected = CpuReference.BiasAct(x, b, channels, inner, 0.2f, MathF.Sqrt(2));
            Add("bias_act forward", $"[{outer}, {channels}, {inner}]", MaxAbs(expected, y), 1e-5, ms, "y = lrelu(x + b) * sqrt 2");

            var g = Randn(n);
            using var dg = Upload(g);
            using var dgrad = new Buffer(driver, n);
            ms = Time(() => kernels.BiasActBackward(dg.Pointer, dy.Pointer, dgrad.Pointer, n, true, 0.2f, MathF.Sqrt(2)));
            Add("bias_act backward", $"[{outer}, {channels}, {inner}]", MaxAbs(CpuReference.BiasActBackward(g, expected, 0.2f, MathF.Sqrt(2)), dgrad.Download(n)), 1e-5, ms, "dx");
        }

        public void Modulate(int b, int o, int i, int kk)
        {
            var w = Randn(o * i * kk);
            var s = Randn(b * i);
            float scale = 1f / MathF.Sqrt(i * kk);
            using var dw = Upload(w);
            using var ds = Upload(s);
            using var dout = new Buffer(driver, b * o * i * kk);
            using var dd = new Buffer(driver, b * o);
            double ms = Time(() => kernels.ModulateWeights(dw.Pointer, ds.Pointer, dout.Pointer, dd.Pointer, b, o, i, kk, scale, true));
            var (weights, demod) = CpuReference.Modulate(w, s, b, o, i, kk, scale, true);
            Add("modulate + demodulate", $"B{b} {i}->{o} k{kk}", Math.Max(MaxAbs(weights, dout.Download(weights.Length)), MaxAbs(demod, dd.Download(demod.Length))), 1e-5, ms, "per-sample weights and coefficients");
        }

        public void ModConv(int b, int i, int o, int hw, int k, int stride, int pad, bool demodulate)
        {
            var x = Randn(b * i * hw * hw);
            var w = Randn(o * i * k * k);
            var s = Randn(b * i);
            float scale = 1f / MathF.Sqrt(i * k * k);
            var (weights, demod) = CpuReference.Modulate(w, s, b, o, i, k * k, scale, demodulate);
            var expected = CpuReference.ConvPerSample(x, weights, b, i, o, hw, hw, k, stride, pad);
            using var dx = Upload(x);
            using var dw = Upload(w);
            using var ds = Upload(s);
            using var dd = Upload(demod);
            using var dy = new Buffer(driver, expected.Length);
            double ms = Time(() => kernels.ModulatedConv(dx.Pointer, dw.Pointer, ds.Pointer, demodulate ? dd.Pointer : 0, dy.Pointer, b, i, o, hw, hw, k, stride, pad, scale));
            Add("modconv direct", $"B{b} {i}->{o} {hw}x{hw} k{k} s{stride}", MaxAbs(expected, dy.Download(expected.Length)), 1e-4, ms, demodulate ? "demodulated" : "modulated only");
        }

        public void ModConvUp(int b, int i, int o, int hw)
        {
            const int k = 3;
            var x = Randn(b * i * hw * hw);
            var w = Randn(o * i * k * k);
            var s = Randn(b * i);
            float scale = 1f / MathF.Sqrt(i * k * k);
            var (weights, demod) = CpuReference.Modulate(w, s, b, o, i, k * k, scale, true);
            var up = CpuReference.ConvTranspose2x(x, weights, b, i, o, hw, hw, k);
            int th = (2 * (hw - 1)) + k;
            var blurTaps = new[] { 1f, 3f, 3f, 1f };
            var kernel = new float[16];
            for (int r = 0; r < 4; r++)
            {
                for (int c = 0; c < 4; c++)
                {
                    kernel[(r * 4) + c] = blurTaps[r] * blurTaps[c] / 64f * 4f;
                }
            }

            var expected = CpuReference.UpFirDn2d(up, kernel, b * o, th, th, 4, 4, 1, 1, 1, 1, out int outH, out int outW);
            using var dx = Upload(x);
            using var dw = Upload(w);
            using var ds = Upload(s);
            using var dd = Upload(demod);
            using var dk = Upload(kernel);
            using var dt = new Buffer(driver, up.Length);
            using var dy = new Buffer(driver, expected.Length);
            double ms = Time(() =>
            {
                kernels.ModulatedConvTranspose2x(dx.Pointer, dw.Pointer, ds.Pointer, dd.Pointer, dt.Pointer, b, i, o, hw, hw, k, scale);
                kernels.UpFirDn2dRaw(dt.Pointer, dk.Pointer, dy.Pointer, b * o, th, th, 4, 4, 1, 1, 1, 1, 1, 1, outH, outW);
            });
            Add("modconv up (transposed + blur)", $"B{b} {i}->{o} {hw}->{outH}", MaxAbs(expected, dy.Download(expected.Length)), 1e-4, ms, "StyleGAN2 upsampling layer");
        }

        public void UpFirDn(int planes, int kh, int h, int w, int up, int down, int p0, int p1)
        {
            int kw = kh + 1;
            var x = Randn(planes * h * w);
            var kernel = Randn(kh * kw);
            var expected = CpuReference.UpFirDn2d(x, kernel, planes, h, w, kh, kw, up, down, p0, p1, out int outH, out int outW);
            using var dx = Upload(x);
            using var dk = Upload(kernel);
            using var dy = new Buffer(driver, expected.Length);
            double ms = Time(() => kernels.UpFirDn2dRaw(dx.Pointer, dk.Pointer, dy.Pointer, planes, h, w, kh, kw, up, up, down, down, p0, p0, outH, outW));
            Add("upfirdn2d", $"{planes}x{h}x{w} k{kh}x{kw} up{up} down{down} pad({p0},{p1})", MaxAbs(expected, dy.Download(expected.Length)), 1e-5, ms, "asymmetric kernel");
        }

        public void TimeModConv(int b, int i, int o, int hw, int k)
        {
            using var dx = Upload(Randn(b * i * hw * hw));
            using var dw = Upload(Randn(o * i * k * k));
            using var ds = Upload(Randn(b * i));
            using var dd = new Buffer(driver, b * o);
            using var dm = new Buffer(driver, b * o * i * k * k);
            using var dy = new Buffer(driver, b * o * hw * hw);
            float scale = 1f / MathF.Sqrt(i * k * k);
            double ms = Time(() =>
            {
                kernels.ModulateWeights(dw.Pointer, ds.Pointer, dm.Pointer, dd.Pointer, b, o, i, k * k, scale, true);
                kernels.ModulatedConv(dx.Pointer, dw.Pointer, ds.Pointer, dd.Pointer, dy.Pointer, b, i, o, hw, hw, k, 1, k / 2, scale);
            });
            Add("modconv timing", $"B{b} {i}->{o} {hw}x{hw} k{k}", 0, 0, ms, "modulate + direct conv, no reference check");
        }

        private void Add(string op, string shape, double error, double tolerance, double ms, string note)
        {
            var r = new Result(op, shape, error, tolerance, error <= tolerance && !double.IsNaN(error), ms, note);
            results.Add(r);
            Console.WriteLine($"{op} {shape}: max abs error {error:E2} (tol {tolerance:E0}) {(r.Passed ? "ok" : "FAILED")}, {ms:F3} ms");
        }

        private double Time(Action launch)
        {
            launch();
            driver.Synchronize();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
            {
                launch();
            }

            driver.Synchronize();
            return sw.Elapsed.TotalMilliseconds / reps;
        }

        private float[] Randn(int n)
        {
            var v = new float[n];
            for (int i = 0; i < n; i++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                v[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
            }

            return v;
        }

        private Buffer Upload(float[] values)
        {
            var buffer = new Buffer(driver, values.Length);
            driver.CopyToDevice(buffer.Pointer, MemoryMarshal.AsBytes(values.AsSpan()));
            return buffer;
        }

        private static double MaxAbs(float[] expected, float[] actual)
        {
            double m = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double d = Math.Abs(expected[i] - actual[i]);
                m = double.IsNaN(d) ? double.NaN : Math.Max(m, d);
            }

            return m;
        }
    }

    private sealed class Buffer(ICudaDriver driver, long count) : IDisposable
    {
        public ulong Pointer { get; } = driver.Allocate(count * sizeof(float));

        public float[] Download(int n)
        {
            var values = new float[n];
            driver.CopyToHost(MemoryMarshal.AsBytes(values.AsSpan()), Pointer);
            return values;
        }

        public void Dispose() => driver.Free(Pointer);
    }
}
