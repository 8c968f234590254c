using System.Runtime.InteropServices;
using System.Text;

namespace T2F.Core.Torch;

/// <summary>
/// The few switches of libtorch's global <c>at::Context</c> that TorchSharp does not expose: whether ATen may use
/// oneDNN (mkldnn) and NNPACK, plus libtorch's own build and CPU-capability strings. Bound by the Itanium C++ ABI
/// names that <c>libtorch_cpu.so</c> exports (Linux and macOS); on other platforms every member reports
/// "unavailable" and the setters return false.
/// </summary>
/// <remarks>
/// Why: on some CPUs libtorch 2.10's oneDNN convolutions compute wrong numbers (docs/correct-on-every-cpu.md), and
/// the exact fallback is ATen's own convolution, which only <c>at::Context::setUserEnabledMkldnn(false)</c> selects.
/// NNPACK is switched off only where it failed to initialise: ATen then logs "Could not initialize NNPACK" on
/// every float convolution although it never uses it.
/// </remarks>
internal static unsafe class LibTorchContext
{
    private static readonly Lazy<Bindings?> Native = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    // at::_nnpack_available() retries NNPACK's initialisation, and logs its failure, on every call: ask once.
    private static readonly Lazy<bool?> Nnpack = new(() => Native.Value is { } b ? b.NnpackAvailable() != 0 : null, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True where the context functions were found in the loaded libtorch.</summary>
    public static bool IsAvailable => Native.Value is not null;

    /// <summary>Whether ATen may use oneDNN, or null where the binding is unavailable.</summary>
    public static bool? OneDnnEnabled
    {
        get
        {
            var b = Native.Value;
            return b is null ? null : b.UserEnabledMkldnn(b.GlobalContext()) != 0;
        }
    }

    /// <summary>Whether NNPACK initialised on this CPU (libtorch's <c>at::_nnpack_available()</c>), or null where unknown.</summary>
    public static bool? NnpackAvailable => Nnpack.Value;

    /// <summary>Allows or forbids oneDNN for every ATen op of the process. Returns false where the binding is unavailable.</summary>
    /// <param name="enabled">False routes convolutions to ATen's own kernels.</param>
    public static bool SetOneDnnEnabled(bool enabled) => Native.Value is { } b && SetSwitch(b, b.SetUserEnabledMkldnn, enabled);

    /// <summary>Allows or forbids NNPACK process-wide. Returns false where the binding is unavailable.</summary>
    /// <param name="enabled">False skips NNPACK (and its per-call warning where it failed to initialise).</param>
    public static bool SetNnpackEnabled(bool enabled) => Native.Value is { } b && SetSwitch(b, b.SetUserEnabledNnpack, enabled);

    /// <summary>libtorch's CPU capability ("AVX512", "AVX2", "DEFAULT"), or null.</summary>
    public static string? CpuCapability => Native.Value is { } b ? ReadString(b.GetCpuCapability, b.OperatorDelete) : null;

    /// <summary>The oneDNN version libtorch was built with, or null.</summary>
    public static string? OneDnnVersion => Native.Value is { } b ? ReadString(b.GetMkldnnVersion, b.OperatorDelete) : null;

    /// <summary>The libtorch version from its build configuration (<c>TORCH_VERSION=</c> in <c>at::show_config()</c>), or null.</summary>
    public static string? TorchVersion
    {
        get
        {
            if (Native.Value is not { } b)
            {
                return null;
            }

            string? config = ReadString(b.ShowConfig, b.OperatorDelete);
            if (config is null)
            {
                return null;
            }

            const string key = "TORCH_VERSION=";
            int at = config.IndexOf(key, StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            int end = config.IndexOfAny(new[] { ',', ' ', '\n' }, at + key.Length);
            return config[(at + key.Length)..(end < 0 ? config.Length : end)];
        }
    }

    private static bool SetSwitch(Bindings b, delegate* unmanaged<IntPtr, byte, void> setter, bool enabled)
    {
        setter(b.GlobalContext(), enabled ? (byte)1 : (byte)0);
        return true;
    }

    // A libstdc++ (cxx11 ABI) std::string returned by value: the caller passes the 32-byte object by a hidden
    // pointer; { char* data; size_t size; char local[16] }. Heap storage is released with operator delete.
    private static string? ReadString(delegate* unmanaged<byte*, byte*> function, delegate* unmanaged<byte*, void> delete)
    {
        if (function == null)
        {
            return null;
        }

        byte* storage = stackalloc byte[64];
        function(storage);
        byte* data = *(byte**)storage;
        nuint size = *(nuint*)(storage + 8);
        string text = Encoding.UTF8.GetString(data, (int)Math.Min(size, 1 << 20));
        if (data != storage + 16 && delete != null)
        {
            delete(data);
        }

        return text;
    }

    private static Bindings? Bind()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        // TorchSharp has loaded libtorch by the time any tensor exists; touching torch here makes sure of it.
        _ = TorchSharp.torch.get_num_threads();
        string name = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        if (!NativeLibrary.TryLoad(name, out IntPtr lib) && !TryLoadBesideTorchSharp(name, out lib))
        {
            return null;
        }

        IntPtr Get(string symbol) => NativeLibrary.TryGetExport(lib, symbol, out IntPtr p) ? p : IntPtr.Zero;
        IntPtr globalContext = Get("_ZN2at13globalContextEv");
        IntPtr userEnabled = Get("_ZNK2at7Context17userEnabledMkldnnEv");
        IntPtr setUserEnabled = Get("_ZN2at7Context20setUserEnabledMkldnnEb");
        IntPtr setNnpack = Get("_ZN2at7Context20setUserEnabledNNPACKEb");
        IntPtr nnpack = Get("_ZN2at25compositeimplicitautograd17_nnpack_availableEv");
        if (globalContext == IntPtr.Zero || userEnabled == IntPtr.Zero || setUserEnabled == IntPtr.Zero || setNnpack == IntPtr.Zero || nnpack == IntPtr.Zero)
        {
            return null;
        }

        IntPtr delete = IntPtr.Zero;
        if (NativeLibrary.TryLoad(OperatingSystem.IsMacOS() ? "libc++.1.dylib" : "libstdc++.so.6", out IntPtr cxx))
        {
            NativeLibrary.TryGetExport(cxx, "_ZdlPv", out delete);
        }

        return new Bindings
        {
            GlobalContext = (delegate* unmanaged<IntPtr>)globalContext,
            UserEnabledMkldnn = (delegate* unmanaged<IntPtr, byte>)userEnabled,
            SetUserEnabledMkldnn = (delegate* unmanaged<IntPtr, byte, void>)setUserEnabled,
            SetUserEnabledNnpack = (delegate* unmanaged<IntPtr, byte, void>)setNnpack,
            NnpackAvailable = (delegate* unmanaged<byte>)nnpack,
            GetCpuCapability = (delegate* unmanaged<byte*, byte*>)Get("_ZN2at18get_cpu_capabilityB5cxx11Ev"),
            GetMkldnnVersion = (delegate* unmanaged<byte*, byte*>)Get("_ZN2at18get_mkldnn_versionB5cxx11Ev"),
            ShowConfig = (delegate* unmanaged<byte*, byte*>)Get("_ZN2at11show_configB5cxx11Ev"),
            OperatorDelete = (delegate* unmanaged<byte*, void>)delete,
        };
    }

    private static bool TryLoadBesideTorchSharp(string name, out IntPtr lib)
    {
        lib = IntPtr.Zero;
        string? folder = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        return folder is not null && NativeLibrary.TryLoad(Path.Combine(folder, name), out lib);
    }

    private sealed class Bindings
    {
        public required delegate* unmanaged<IntPtr> GlobalContext { get; init; }

        public required delegate* unmanaged<IntPtr, byte> UserEnabledMkldnn { get; init; }

        public required delegate* unmanaged<IntPtr, byte, void> SetUserEnabledMkldnn { get; init; }

        public required delegate* unmanaged<IntPtr, byte, void> SetUserEnabledNnpack { get; init; }

        public required delegate* unmanaged<byte> NnpackAvailable { get; init; }

        public required delegate* unmanaged<byte*, byte*> GetCpuCapability { get; init; }

        public required delegate* unmanaged<byte*, byte*> GetMkldnnVersion { get; init; }

        public required delegate* unmanaged<byte*, byte*> ShowConfig { get; init; }

        public required delegate* unmanaged<byte*, void> OperatorDelete { get; init; }
    }
}
