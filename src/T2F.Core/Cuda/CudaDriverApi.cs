using System.Runtime.InteropServices;
using System.Text;

namespace T2F.Core.Cuda;

/// <summary>
/// A minimal binding of the CUDA driver API (libcuda.so.1 / nvcuda.dll), loaded at run time so that machines
/// without a driver get a clear <see cref="CudaException"/> from <see cref="Create"/> instead of a crash.
/// Uses the device's primary context.
/// </summary>
internal sealed unsafe class CudaDriverApi : ICudaDriver
{
    private const int AttributeComputeCapabilityMajor = 75;
    private const int AttributeComputeCapabilityMinor = 76;

    private readonly IntPtr library;
    private readonly int device;
    private readonly IntPtr context;
    private readonly Api api;
    private bool disposed;

    private CudaDriverApi(IntPtr library, Api api, int ordinal)
    {
        this.library = library;
        this.api = api;
        Check(api.Init(0), "cuInit");
        int count;
        Check(api.DeviceGetCount(&count), "cuDeviceGetCount");
        if (count == 0)
        {
            throw new CudaException("The CUDA driver is installed but reports no device.");
        }

        if (ordinal < 0 || ordinal >= count)
        {
            throw new CudaException($"CUDA device {ordinal} does not exist; this machine has {count}.");
        }

        int dev;
        Check(api.DeviceGet(&dev, ordinal), "cuDeviceGet");
        device = dev;
        var name = stackalloc byte[256];
        Check(api.DeviceGetName(name, 256, dev), "cuDeviceGetName");
        DeviceName = Marshal.PtrToStringAnsi((IntPtr)name) ?? "unknown";
        int major, minor;
        Check(api.DeviceGetAttribute(&major, AttributeComputeCapabilityMajor, dev), "cuDeviceGetAttribute");
        Check(api.DeviceGetAttribute(&minor, AttributeComputeCapabilityMinor, dev), "cuDeviceGetAttribute");
        ComputeCapability = (major, minor);
        IntPtr ctx;
        Check(api.PrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
        context = ctx;
        Check(api.CtxSetCurrent(ctx), "cuCtxSetCurrent");
    }

    /// <inheritdoc />
    public string DeviceName { get; }

    /// <inheritdoc />
    public (int Major, int Minor) ComputeCapability { get; }

    /// <summary>The library names probed, in order.</summary>
    public static IReadOnlyList<string> LibraryNames { get; } = OperatingSystem.IsWindows()
        ? new[] { "nvcuda.dll" }
        : new[] { "libcuda.so.1", "libcuda.so" };

    /// <summary>Loads the driver and binds device <paramref name="ordinal"/>'s primary context.</summary>
    /// <param name="ordinal">Device ordinal.</param>
    /// <exception cref="CudaException">No driver library, no device, or a failing call; the message says which.</exception>
    public static CudaDriverApi Create(int ordinal = 0)
    {
        IntPtr lib = IntPtr.Zero;
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out lib))
            {
                break;
            }
        }

        if (lib == IntPtr.Zero)
        {
            throw new CudaException($"No CUDA driver: none of {string.Join(", ", LibraryNames)} could be loaded (no NVIDIA driver on this machine).");
        }

        try
        {
            return new CudaDriverApi(lib, Api.Bind(lib), ordinal);
        }
        catch
        {
            NativeLibrary.Free(lib);
            throw;
        }
    }

    /// <summary>Tries <see cref="Create"/>; on failure returns false and the reason.</summary>
    /// <param name="driver">The driver, or null.</param>
    /// <param name="reason">Why it failed, or null.</param>
    public static bool TryCreate(out CudaDriverApi? driver, out string? reason)
    {
        try
        {
            driver = Create();
            reason = null;
            return true;
        }
        catch (CudaException e)
        {
            driver = null;
            reason = e.Message;
            return false;
        }
    }

    /// <inheritdoc />
    public IntPtr LoadModule(string ptx)
    {
        var bytes = Encoding.ASCII.GetBytes(ptx + "\0");
        IntPtr module;
        fixed (byte* p = bytes)
        {
            Check(api.ModuleLoadData(&module, p), "cuModuleLoadData");
        }

        return module;
    }

    /// <inheritdoc />
    public IntPtr GetFunction(IntPtr module, string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        IntPtr function;
        fixed (byte* p = bytes)
        {
            Check(api.ModuleGetFunction(&function, module, p), $"cuModuleGetFunction({name})");
        }

        return function;
    }

    /// <inheritdoc />
    public void Launch(IntPtr function, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, uint sharedBytes, IntPtr stream, KernelArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parameters = (IntPtr*)args.PointerArray();
        Check(api.LaunchKernel(function, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, sharedBytes, stream, parameters, null), "cuLaunchKernel");
    }

    /// <inheritdoc />
    public ulong Allocate(long bytes)
    {
        ulong pointer;
        Check(api.MemAlloc(&pointer, (nuint)Math.Max(1, bytes)), $"cuMemAlloc({bytes} bytes)");
        return pointer;
    }

    /// <inheritdoc />
    public void Free(ulong pointer) => Check(api.MemFree(pointer), "cuMemFree");

    /// <inheritdoc />
    public void CopyToDevice(ulong destination, ReadOnlySpan<byte> source)
    {
        fixed (byte* p = source)
        {
            Check(api.MemcpyHtoD(destination, p, (nuint)source.Length), "cuMemcpyHtoD");
        }
    }

    /// <inheritdoc />
    public void CopyToHost(Span<byte> destination, ulong source)
    {
        fixed (byte* p = destination)
        {
            Check(api.MemcpyDtoH(p, source, (nuint)destination.Length), "cuMemcpyDtoH");
        }
    }

    /// <inheritdoc />
    public void Synchronize() => Check(api.CtxSynchronize(), "cuCtxSynchronize");

    /// <inheritdoc />
    public IntPtr CreateStream()
    {
        IntPtr stream;
        Check(api.StreamCreate(&stream, 0), "cuStreamCreate");
        return stream;
    }

    /// <inheritdoc />
    public void DestroyStream(IntPtr stream) => Check(api.StreamDestroy(stream), "cuStreamDestroy");

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        api.PrimaryCtxRelease(device);
        NativeLibrary.Free(library);
    }

    private void Check(int result, string call)
    {
        if (result == 0)
        {
            return;
        }

        string name = "CUDA_ERROR_" + result.ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte* text = null;
        if (api.GetErrorName(result, &text) == 0 && text != null)
        {
            name = Marshal.PtrToStringAnsi((IntPtr)text) ?? name;
        }

        throw new CudaException($"{call} failed: {name} ({result}).");
    }

    /// <summary>Function pointers into the driver library.</summary>
    private sealed class Api
    {
        public delegate* unmanaged<uint, int> Init;
        public delegate* unmanaged<int*, int> DeviceGetCount;
        public delegate* unmanaged<int*, int, int> DeviceGet;
        public delegate* unmanaged<byte*, int, int, int> DeviceGetName;
        public delegate* unmanaged<int*, int, int, int> DeviceGetAttribute;
        public delegate* unmanaged<IntPtr*, int, int> PrimaryCtxRetain;
        public delegate* unmanaged<int, int> PrimaryCtxRelease;
        public delegate* unmanaged<IntPtr, int> CtxSetCurrent;
        public delegate* unmanaged<int> CtxSynchronize;
        public delegate* unmanaged<IntPtr*, byte*, int> ModuleLoadData;
        public delegate* unmanaged<IntPtr*, IntPtr, byte*, int> ModuleGetFunction;
        public delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, IntPtr*, IntPtr*, int> LaunchKernel;
        public delegate* unmanaged<ulong*, nuint, int> MemAlloc;
        public delegate* unmanaged<ulong, int> MemFree;
        public delegate* unmanaged<ulong, byte*, nuint, int> MemcpyHtoD;
        public delegate* unmanaged<byte*, ulong, nuint, int> MemcpyDtoH;
        public delegate* unmanaged<IntPtr*, uint, int> StreamCreate;
        public delegate* unmanaged<IntPtr, int> StreamDestroy;
        public delegate* unmanaged<int, byte**, int> GetErrorName;

        public static Api Bind(IntPtr lib)
        {
            IntPtr Get(string name) => NativeLibrary.TryGetExport(lib, name, out var p) ? p : throw new CudaException($"The CUDA driver library lacks {name}; the driver is too old for this binding.");
            return new Api
            {
                Init = (delegate* unmanaged<uint, int>)Get("cuInit"),
                DeviceGetCount = (delegate* unmanaged<int*, int>)Get("cuDeviceGetCount"),
                DeviceGet = (delegate* unmanaged<int*, int, int>)Get("cuDeviceGet"),
                DeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Get("cuDeviceGetName"),
                DeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Get("cuDeviceGetAttribute"),
                PrimaryCtxRetain = (delegate* unmanaged<IntPtr*, int, int>)Get("cuDevicePrimaryCtxRetain"),
                PrimaryCtxRelease = (delegate* unmanaged<int, int>)Get("cuDevicePrimaryCtxRelease_v2"),
                CtxSetCurrent = (delegate* unmanaged<IntPtr, int>)Get("cuCtxSetCurrent"),
                CtxSynchronize = (delegate* unmanaged<int>)Get("cuCtxSynchronize"),
                ModuleLoadData = (delegate* unmanaged<IntPtr*, byte*, int>)Get("cuModuleLoadData"),
                ModuleGetFunction = (delegate* unmanaged<IntPtr*, IntPtr, byte*, int>)Get("cuModuleGetFunction"),
                LaunchKernel = (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, IntPtr*, IntPtr*, int>)Get("cuLaunchKernel"),
                MemAlloc = (delegate* unmanaged<ulong*, nuint, int>)Get("cuMemAlloc_v2"),
                MemFree = (delegate* unmanaged<ulong, int>)Get("cuMemFree_v2"),
                MemcpyHtoD = (delegate* unmanaged<ulong, byte*, nuint, int>)Get("cuMemcpyHtoD_v2"),
                MemcpyDtoH = (delegate* unmanaged<byte*, ulong, nuint, int>)Get("cuMemcpyDtoH_v2"),
                StreamCreate = (delegate* unmanaged<IntPtr*, uint, int>)Get("cuStreamCreate"),
                StreamDestroy = (delegate* unmanaged<IntPtr, int>)Get("cuStreamDestroy_v2"),
                GetErrorName = (delegate* unmanaged<int, byte**, int>)Get("cuGetErrorName"),
            };
        }
    }
}
