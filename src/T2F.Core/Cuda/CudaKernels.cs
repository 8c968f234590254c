using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Cuda;

/// <summary>
/// The project's CUDA kernels (the <c>*.cu</c> of every op folder under <c>Ops/</c>, embedded), compiled once with NVRTC
/// for the device's architecture (PTX cached on disk) into one module and launched through an <see cref="ICudaDriver"/>.
/// Each op's launcher (<c>BiasActCuda</c>, <c>UpFirDn2dCuda</c>, <c>ModulatedConvCuda</c>) lives beside its kernel and
/// launches it through <see cref="Launch"/> on the default stream, which libtorch also uses. Internal: no GPU has run
/// these kernels yet (README, "Ops, backends and native kernels"), so only the ops' forward paths, the tests and the GPU
/// check (benchmarks/T2F.CudaCheck) reach them.
/// </summary>
internal sealed class CudaKernels : IDisposable
{
    /// <summary>Threads per block of the one-dimensional kernels.</summary>
    public const int ThreadsPerBlock = 256;

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

    /// <summary>A grid of <see cref="ThreadsPerBlock"/>-thread blocks covering <paramref name="total"/> elements (grid-stride loops cover the rest).</summary>
    /// <param name="total">Element count.</param>
    public static (uint, uint, uint) Grid1D(long total) => ((uint)Math.Clamp((total + ThreadsPerBlock - 1) / ThreadsPerBlock, 1, 65535 * 16), 1, 1);

    /// <summary>Throws unless <paramref name="t"/> is a float32 CUDA tensor (the kernels' only layout).</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="name">Its parameter name, for the message.</param>
    public static void RequireCudaFloat(Tensor t, string name)
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

    /// <summary>Launches kernel <paramref name="name"/> of the module on the default stream.</summary>
    /// <param name="name">The kernel's <c>extern "C"</c> name.</param>
    /// <param name="grid">Grid size.</param>
    /// <param name="block">Block size.</param>
    /// <param name="shared">Dynamic shared memory in bytes.</param>
    /// <param name="args">The kernel's arguments, in the order of its signature.</param>
    public void Launch(string name, (uint, uint, uint) grid, (uint, uint, uint) block, uint shared, KernelArguments args)
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
