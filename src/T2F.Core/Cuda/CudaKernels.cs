using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Cuda;

/// <summary>
/// The project's CUDA kernels (native/cuda/*.cu), compiled once with NVRTC for the device's architecture
/// (PTX cached on disk) and launched through an <see cref="ICudaDriver"/>. Operates on raw device pointers, and on
/// TorchSharp CUDA tensors where TorchSharp has CUDA (on the default stream, which libtorch also uses).
/// </summary>
public sealed class CudaKernels : IDisposable
{
    private const int ThreadsPerBlock = 256;
    private const int Tile = 16;
    private const int OutputChannelsPerBlock = 8;

    private static readonly Lazy<(CudaKernels? Kernels, string? Reason)> Default = new(CreateDefault, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly IntPtr module;
    private readonly Dictionary<string, IntPtr> functions = new(StringComparer.Ordinal);
    private bool disposed;

    /// <summary>Compiles (or reads from <paramref name="cache"/>) the kernels and loads them into <paramref name="driver"/>'s context.</summary>
    /// <param name="driver">The driver binding (owned by the caller unless <paramref name="ownsDriver"/>).</param>
    /// <param name="compiler">NVRTC or a replacement.</param>
    /// <param name="cache">PTX cache.</param>
    /// <param name="ownsDriver">Dispose the driver with this object.</param>
    public CudaKernels(ICudaDriver driver, IPtxCompiler compiler, PtxCache cache, bool ownsDriver = false)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(cache);
        Driver = driver;
        OwnsDriver = ownsDriver;
        var (major, minor) = driver.ComputeCapability;
        Architecture = $"compute_{major}{minor}";
        string source = KernelSources.Combined();
        string ptx = cache.GetOrCompile(compiler, source, "t2f_kernels.cu", Architecture, new[] { "--use_fast_math=false" });
        module = driver.LoadModule(ptx);
        foreach (var name in KernelSources.KernelNames(source))
        {
            functions[name] = driver.GetFunction(module, name);
        }
    }

    /// <summary>The driver binding.</summary>
    public ICudaDriver Driver { get; }

    /// <summary>The virtual architecture the kernels were compiled for.</summary>
    public string Architecture { get; }

    /// <summary>Names of the loaded kernels.</summary>
    public IReadOnlyCollection<string> KernelNames => functions.Keys;

    private bool OwnsDriver { get; }

    /// <summary>
    /// The process-wide kernels on device 0, created on first use. Returns false, with the reason, on a machine
    /// without a CUDA driver, device or NVRTC — callers then use the reference path.
    /// </summary>
    /// <param name="kernels">The kernels, or null.</param>
    /// <param name="reason">Why they are unavailable, or null.</param>
    public static bool TryGetDefault(out CudaKernels? kernels, out string? reason)
    {
        (kernels, reason) = Default.Value;
        return kernels is not null;
    }

    /// <summary>y = act(x + bias[c]) * gain, clamped when clamp >= 0 (x, y: [outer, C, inner] float32 on the device).</summary>
    /// <param name="x">Input.</param>
    /// <param name="bias">Bias [C] or 0.</param>
    /// <param name="y">Output (may equal x).</param>
    /// <param name="total">Element count.</param>
    /// <param name="channels">C.</param>
    /// <param name="inner">Elements per channel per sample.</param>
    /// <param name="leakyRelu">Leaky ReLU (true) or linear.</param>
    /// <param name="slope">Negative slope.</param>
    /// <param name="gain">Gain.</param>
    /// <param name="clamp">Clamp, or a negative value for none.</param>
    public void BiasActForward(ulong x, ulong bias, ulong y, long total, int channels, long inner, bool leakyRelu, float slope, float gain, float clamp = -1f)
    {
        using var args = new KernelArguments().AddPointer(x).AddPointer(bias).AddPointer(y).Add(total).Add(channels).Add(inner).Add(leakyRelu ? 1 : 0).Add(slope).Add(gain).Add(clamp);
        Launch("t2f_bias_act_forward", Grid1D(total), (ThreadsPerBlock, 1, 1), 0, args);
    }

    /// <summary>dx = dy * gain * act'(x + b) from the forward output y; zero where clamped.</summary>
    /// <param name="dy">Output gradient.</param>
    /// <param name="y">Forward output.</param>
    /// <param name="dx">Input gradient.</param>
    /// <param name="total">Element count.</param>
    /// <param name="leakyRelu">Leaky ReLU (true) or linear.</param>
    /// <param name="slope">Negative slope.</param>
    /// <param name="gain">Gain.</param>
    /// <param name="clamp">Clamp, or negative for none.</param>
    public void BiasActBackward(ulong dy, ulong y, ulong dx, long total, bool leakyRelu, float slope, float gain, float clamp = -1f)
    {
        using var args = new KernelArguments().AddPointer(dy).AddPointer(y).AddPointer(dx).Add(total).Add(leakyRelu ? 1 : 0).Add(slope).Add(gain).Add(clamp);
        Launch("t2f_bias_act_backward", Grid1D(total), (ThreadsPerBlock, 1, 1), 0, args);
    }

    /// <summary>db[c] = sum over outer and inner of dx.</summary>
    /// <param name="dx">Input gradient [outer, C, inner].</param>
    /// <param name="db">Bias gradient [C].</param>
    /// <param name="outer">Outer size.</param>
    /// <param name="channels">C.</param>
    /// <param name="inner">Inner size.</param>
    public void BiasGrad(ulong dx, ulong db, long outer, int channels, long inner)
    {
        using var args = new KernelArguments().AddPointer(dx).AddPointer(db).Add(outer).Add(channels).Add(inner);
        Launch("t2f_bias_grad", ((uint)channels, 1, 1), (ThreadsPerBlock, 1, 1), ThreadsPerBlock * sizeof(float), args);
    }

    /// <summary>Per-sample modulated (and demodulated) weights [B, O, I, K*K] and coefficients [B, O] in one pass.</summary>
    /// <param name="weight">Shared weight [O, I, K*K].</param>
    /// <param name="styles">Styles [B, I].</param>
    /// <param name="output">Per-sample weights [B, O, I, K*K].</param>
    /// <param name="demodulation">Coefficients [B, O] or 0.</param>
    /// <param name="batch">B.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="kernelArea">K*K.</param>
    /// <param name="scale">1/sqrt(I*K*K).</param>
    /// <param name="demodulate">Whether to demodulate.</param>
    public void ModulateWeights(ulong weight, ulong styles, ulong output, ulong demodulation, int batch, int outChannels, int inChannels, int kernelArea, float scale, bool demodulate)
    {
        using var args = new KernelArguments().AddPointer(weight).AddPointer(styles).AddPointer(output).AddPointer(demodulation)
            .Add(batch).Add(outChannels).Add(inChannels).Add(kernelArea).Add(scale).Add(demodulate ? 1 : 0);
        Launch("t2f_modulate_weights", ((uint)(batch * outChannels), 1, 1), (ThreadsPerBlock, 1, 1), ThreadsPerBlock * sizeof(float), args);
    }

    /// <summary>Direct modulated convolution (K 1 or 3, stride 1 or 2, zero padding), demodulated when <paramref name="demodulation"/> is not 0.</summary>
    /// <param name="x">Input [B, I, H, W].</param>
    /// <param name="weight">Shared weight [O, I, K, K].</param>
    /// <param name="styles">Styles [B, I].</param>
    /// <param name="demodulation">Coefficients [B, O] (from <see cref="ModulateWeights"/>) or 0.</param>
    /// <param name="y">Output [B, O, outH, outW].</param>
    /// <param name="batch">B.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Padding.</param>
    /// <param name="scale">1/sqrt(I*K*K).</param>
    public void ModulatedConv(ulong x, ulong weight, ulong styles, ulong demodulation, ulong y, int batch, int inChannels, int outChannels, int height, int width, int kernelSize, int stride, int padding, float scale)
    {
        if (kernelSize is not (1 or 3) || stride is not (1 or 2))
        {
            throw new ArgumentException($"The direct modulated convolution supports K in {{1, 3}} and stride in {{1, 2}}; got K {kernelSize}, stride {stride}.");
        }

        int outH = ((height + (2 * padding) - kernelSize) / stride) + 1;
        int outW = ((width + (2 * padding) - kernelSize) / stride) + 1;
        uint tiles = (uint)(((outW + Tile - 1) / Tile) * ((outH + Tile - 1) / Tile));
        using var args = new KernelArguments().AddPointer(x).AddPointer(weight).AddPointer(styles).AddPointer(demodulation).AddPointer(y)
            .Add(batch).Add(inChannels).Add(outChannels).Add(height).Add(width).Add(outH).Add(outW).Add(kernelSize).Add(stride).Add(padding).Add(scale);
        Launch("t2f_modconv_direct", (tiles, (uint)((outChannels + OutputChannelsPerBlock - 1) / OutputChannelsPerBlock), (uint)batch), (Tile, Tile, 1), 0, args);
    }

    /// <summary>Modulated transposed convolution, stride 2, no padding: output (2H - 1 + K) x (2W - 1 + K), before the blur.</summary>
    /// <param name="x">Input [B, I, H, W].</param>
    /// <param name="weight">Shared weight [O, I, K, K].</param>
    /// <param name="styles">Styles [B, I].</param>
    /// <param name="demodulation">Coefficients [B, O] or 0.</param>
    /// <param name="y">Output.</param>
    /// <param name="batch">B.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="scale">1/sqrt(I*K*K).</param>
    public void ModulatedConvTranspose2x(ulong x, ulong weight, ulong styles, ulong demodulation, ulong y, int batch, int inChannels, int outChannels, int height, int width, int kernelSize, float scale)
    {
        long total = (long)batch * outChannels * ((2 * (height - 1)) + kernelSize) * ((2 * (width - 1)) + kernelSize);
        using var args = new KernelArguments().AddPointer(x).AddPointer(weight).AddPointer(styles).AddPointer(demodulation).AddPointer(y)
            .Add(batch).Add(inChannels).Add(outChannels).Add(height).Add(width).Add(kernelSize).Add(scale);
        Launch("t2f_modconv_transpose2x", Grid1D(total), (ThreadsPerBlock, 1, 1), 0, args);
    }

    /// <summary>upfirdn2d over <paramref name="planes"/> planes of [H, W] (same semantics as <see cref="Ops.UpFirDn2d.Reference"/>).</summary>
    /// <param name="x">Input [planes, H, W].</param>
    /// <param name="kernel">FIR kernel [kh, kw].</param>
    /// <param name="y">Output [planes, outH, outW].</param>
    /// <param name="planes">N*C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelHeight">kh.</param>
    /// <param name="kernelWidth">kw.</param>
    /// <param name="upX">Up along W.</param>
    /// <param name="upY">Up along H.</param>
    /// <param name="downX">Down along W.</param>
    /// <param name="downY">Down along H.</param>
    /// <param name="padX0">Pad before along W.</param>
    /// <param name="padY0">Pad before along H.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    public void UpFirDn2dRaw(ulong x, ulong kernel, ulong y, int planes, int height, int width, int kernelHeight, int kernelWidth, int upX, int upY, int downX, int downY, int padX0, int padY0, int outHeight, int outWidth)
    {
        long total = (long)planes * outHeight * outWidth;
        using var args = new KernelArguments().AddPointer(x).AddPointer(kernel).AddPointer(y).Add(planes).Add(height).Add(width).Add(kernelHeight).Add(kernelWidth)
            .Add(upX).Add(upY).Add(downX).Add(downY).Add(padX0).Add(padY0).Add(outHeight).Add(outWidth);
        Launch("t2f_upfirdn2d", Grid1D(total), (ThreadsPerBlock, 1, 1), 0, args);
    }

    /// <summary>Fused bias + leaky ReLU on a TorchSharp CUDA tensor (forward only; callers needing gradients use the reference path).</summary>
    /// <param name="input">float32 CUDA tensor, channels in dimension 1.</param>
    /// <param name="bias">Optional bias [C] on the same device.</param>
    /// <param name="negativeSlope">Slope.</param>
    /// <param name="gain">Gain.</param>
    public Tensor FusedBiasLeakyReLU(Tensor input, Tensor? bias, double negativeSlope, double gain)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireCudaFloat(input, nameof(input));
        using var scope = torch.NewDisposeScope();
        var x = input.contiguous();
        var b = bias?.to(ScalarType.Float32).contiguous();
        var y = torch.empty_like(x);
        long channels = x.shape[1];
        long inner = x.numel() / Math.Max(1, x.shape[0] * channels);
        BiasActForward(DevicePointer(x), b is null ? 0 : DevicePointer(b), DevicePointer(y), x.numel(), (int)channels, inner, true, (float)negativeSlope, (float)gain);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>upfirdn2d on a TorchSharp CUDA tensor [N, C, H, W] (forward only).</summary>
    /// <param name="input">float32 CUDA tensor.</param>
    /// <param name="kernel">FIR kernel [kh, kw].</param>
    /// <param name="upX">Up along W.</param>
    /// <param name="upY">Up along H.</param>
    /// <param name="downX">Down along W.</param>
    /// <param name="downY">Down along H.</param>
    /// <param name="padX0">Pad before along W.</param>
    /// <param name="padX1">Pad after along W.</param>
    /// <param name="padY0">Pad before along H.</param>
    /// <param name="padY1">Pad after along H.</param>
    public Tensor UpFirDn2d(Tensor input, Tensor kernel, int upX, int upY, int downX, int downY, int padX0, int padX1, int padY0, int padY1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernel);
        RequireCudaFloat(input, nameof(input));
        using var scope = torch.NewDisposeScope();
        var x = input.contiguous();
        var k = kernel.to(ScalarType.Float32).to(x.device).contiguous();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long outH = Ops.UpFirDn2d.OutputSize(h, upY, downY, padY0, padY1, k.shape[0]);
        long outW = Ops.UpFirDn2d.OutputSize(w, upX, downX, padX0, padX1, k.shape[1]);
        var y = torch.empty(new[] { n, c, outH, outW }, ScalarType.Float32, x.device);
        UpFirDn2dRaw(DevicePointer(x), DevicePointer(k), DevicePointer(y), (int)(n * c), (int)h, (int)w, (int)k.shape[0], (int)k.shape[1], upX, upY, downX, downY, padX0, padY0, (int)outH, (int)outW);
        return y.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (OwnsDriver)
        {
            Driver.Dispose();
        }
    }

    /// <summary>The device pointer of a TorchSharp tensor (TorchSharp 0.107 has no public data_ptr; THSTensor_data returns it).</summary>
    /// <param name="tensor">A contiguous tensor.</param>
    public static ulong DevicePointer(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return (ulong)NativeMethods.THSTensor_data(tensor.Handle);
    }

    private static (uint, uint, uint) Grid1D(long total) => ((uint)Math.Clamp((total + ThreadsPerBlock - 1) / ThreadsPerBlock, 1, 65535 * 16), 1, 1);

    private static void RequireCudaFloat(Tensor t, string name)
    {
        if (t.device_type != DeviceType.CUDA || t.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"{name} must be a float32 CUDA tensor; got {t.dtype} on {t.device}.", name);
        }
    }

    private static (CudaKernels?, string?) CreateDefault()
    {
        if (!CudaDriverApi.TryCreate(out var driver, out var reason))
        {
            return (null, reason);
        }

        try
        {
            return (new CudaKernels(driver!, NvrtcCompiler.Create(), new PtxCache(), ownsDriver: true), null);
        }
        catch (CudaException e)
        {
            driver!.Dispose();
            return (null, e.Message);
        }
    }

    private void Launch(string name, (uint, uint, uint) grid, (uint, uint, uint) block, uint shared, KernelArguments args)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!functions.TryGetValue(name, out var function))
        {
            throw new CudaException($"Kernel {name} is not in the compiled module (loaded: {string.Join(", ", functions.Keys)}).");
        }

        Driver.Launch(function, grid, block, shared, IntPtr.Zero, args);
    }

    private static class NativeMethods
    {
        [DllImport("LibTorchSharp")]
        public static extern IntPtr THSTensor_data(IntPtr handle);
    }
}
