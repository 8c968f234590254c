namespace T2F.Core.Cuda;

/// <summary>
/// The few CUDA driver API calls the kernels need, behind one interface so that another binding
/// (ManagedCuda-12, where it exists) can replace <see cref="CudaDriverApi"/>. Device memory is addressed by
/// <see cref="ulong"/> device pointers (CUdeviceptr); modules, functions and streams by opaque handles.
/// </summary>
internal interface ICudaDriver : IDisposable
{
    /// <summary>Name of the current device.</summary>
    string DeviceName { get; }

    /// <summary>Compute capability (major, minor) of the current device.</summary>
    (int Major, int Minor) ComputeCapability { get; }

    /// <summary>Loads a module from PTX text.</summary>
    /// <param name="ptx">PTX, as NVRTC produced it.</param>
    IntPtr LoadModule(string ptx);

    /// <summary>Looks up a kernel in a loaded module.</summary>
    /// <param name="module">Module handle.</param>
    /// <param name="name">The kernel's extern "C" name.</param>
    IntPtr GetFunction(IntPtr module, string name);

    /// <summary>Launches a kernel on <paramref name="stream"/> (0: the default stream).</summary>
    /// <param name="function">Kernel handle.</param>
    /// <param name="grid">Grid size.</param>
    /// <param name="block">Block size.</param>
    /// <param name="sharedBytes">Dynamic shared memory.</param>
    /// <param name="stream">Stream handle.</param>
    /// <param name="args">Kernel arguments, in order.</param>
    void Launch(IntPtr function, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, uint sharedBytes, IntPtr stream, KernelArguments args);

    /// <summary>Allocates device memory.</summary>
    /// <param name="bytes">Size in bytes.</param>
    ulong Allocate(long bytes);

    /// <summary>Frees device memory.</summary>
    /// <param name="pointer">A pointer from <see cref="Allocate"/>.</param>
    void Free(ulong pointer);

    /// <summary>Copies host memory to the device.</summary>
    /// <param name="destination">Device pointer.</param>
    /// <param name="source">Host bytes.</param>
    void CopyToDevice(ulong destination, ReadOnlySpan<byte> source);

    /// <summary>Copies device memory to the host.</summary>
    /// <param name="destination">Host bytes.</param>
    /// <param name="source">Device pointer.</param>
    void CopyToHost(Span<byte> destination, ulong source);

    /// <summary>Waits for all work on the device.</summary>
    void Synchronize();

    /// <summary>Creates a stream.</summary>
    IntPtr CreateStream();

    /// <summary>Destroys a stream.</summary>
    /// <param name="stream">Stream handle.</param>
    void DestroyStream(IntPtr stream);
}
