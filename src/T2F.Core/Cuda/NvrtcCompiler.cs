using System.Runtime.InteropServices;
using System.Text;

namespace T2F.Core.Cuda;

/// <summary>
/// NVRTC, the CUDA runtime compiler, loaded at run time (no nvcc needed at build time). Probes
/// <c>T2F_NVRTC_PATH</c>, then the usual library names and CUDA install folders.
/// </summary>
internal sealed unsafe class NvrtcCompiler : IPtxCompiler
{
    private readonly Api api;

    private NvrtcCompiler(Api api, string library)
    {
        this.api = api;
        int major, minor;
        Version = api.Version(&major, &minor) == 0 ? $"nvrtc {major}.{minor} ({library})" : $"nvrtc ({library})";
    }

    /// <inheritdoc />
    public string Version { get; }

    /// <summary>Library names and paths probed, in order.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        string? env = Environment.GetEnvironmentVariable("T2F_NVRTC_PATH");
        if (!string.IsNullOrWhiteSpace(env))
        {
            list.Add(env);
        }

        if (OperatingSystem.IsWindows())
        {
            list.AddRange(new[] { "nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll" });
            return list;
        }

        string[] names = { "libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2" };
        list.AddRange(names);
        foreach (var root in new[] { Environment.GetEnvironmentVariable("CUDA_HOME"), Environment.GetEnvironmentVariable("CUDA_PATH"), "/usr/local/cuda" })
        {
            if (!string.IsNullOrWhiteSpace(root))
            {
                list.AddRange(names.Select(n => Path.Combine(root, "lib64", n)));
            }
        }

        return list;
    }

    /// <summary>Loads NVRTC.</summary>
    /// <exception cref="CudaException">NVRTC is not installed; the message lists what was probed.</exception>
    public static NvrtcCompiler Create()
    {
        foreach (var candidate in Candidates())
        {
            if (NativeLibrary.TryLoad(candidate, out var lib))
            {
                return new NvrtcCompiler(Api.Bind(lib), candidate);
            }
        }

        throw new CudaException($"NVRTC (the CUDA runtime compiler) was not found; probed {string.Join(", ", Candidates())}. Install the CUDA toolkit's NVRTC or set T2F_NVRTC_PATH.");
    }

    /// <inheritdoc />
    public string CompileToPtx(string source, string name, string architecture, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        IntPtr program;
        var src = Encoding.UTF8.GetBytes(source + "\0");
        var programName = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* s = src)
        fixed (byte* n = programName)
        {
            Check(api.CreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        }

        try
        {
            var all = new List<string> { $"--gpu-architecture={architecture}", "--std=c++14", "-default-device" };
            all.AddRange(options);
            var handles = all.Select(o => Marshal.StringToHGlobalAnsi(o)).ToArray();
            try
            {
                fixed (IntPtr* opts = handles)
                {
                    int result = api.CompileProgram(program, handles.Length, (byte**)opts);
                    if (result != 0)
                    {
                        throw new CudaException($"NVRTC could not compile {name} for {architecture}: {ErrorString(result)}.{Environment.NewLine}{Log(program)}");
                    }
                }
            }
            finally
            {
                foreach (var h in handles)
                {
                    Marshal.FreeHGlobal(h);
                }
            }

            nuint size;
            Check(api.GetPtxSize(program, &size), "nvrtcGetPTXSize");
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx)
            {
                Check(api.GetPtx(program, p), "nvrtcGetPTX");
            }

            return Encoding.ASCII.GetString(ptx).TrimEnd('\0');
        }
        finally
        {
            api.DestroyProgram(&program);
        }
    }

    private string Log(IntPtr program)
    {
        nuint size;
        if (api.GetProgramLogSize(program, &size) != 0 || size == 0)
        {
            return string.Empty;
        }

        var log = new byte[(int)size];
        fixed (byte* p = log)
        {
            api.GetProgramLog(program, p);
        }

        return Encoding.UTF8.GetString(log).TrimEnd('\0');
    }

    private string ErrorString(int result) => Marshal.PtrToStringAnsi((IntPtr)api.GetErrorString(result)) ?? $"NVRTC error {result}";

    private void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new CudaException($"{call} failed: {ErrorString(result)} ({result}).");
        }
    }

    private sealed class Api
    {
        public delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int> CreateProgram;
        public delegate* unmanaged<IntPtr, int, byte**, int> CompileProgram;
        public delegate* unmanaged<IntPtr, nuint*, int> GetPtxSize;
        public delegate* unmanaged<IntPtr, byte*, int> GetPtx;
        public delegate* unmanaged<IntPtr, nuint*, int> GetProgramLogSize;
        public delegate* unmanaged<IntPtr, byte*, int> GetProgramLog;
        public delegate* unmanaged<IntPtr*, int> DestroyProgram;
        public delegate* unmanaged<int, byte*> GetErrorString;
        public delegate* unmanaged<int*, int*, int> Version;

        public static Api Bind(IntPtr lib)
        {
            IntPtr Get(string name) => NativeLibrary.TryGetExport(lib, name, out var p) ? p : throw new CudaException($"The NVRTC library lacks {name}.");
            return new Api
            {
                CreateProgram = (delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int>)Get("nvrtcCreateProgram"),
                CompileProgram = (delegate* unmanaged<IntPtr, int, byte**, int>)Get("nvrtcCompileProgram"),
                GetPtxSize = (delegate* unmanaged<IntPtr, nuint*, int>)Get("nvrtcGetPTXSize"),
                GetPtx = (delegate* unmanaged<IntPtr, byte*, int>)Get("nvrtcGetPTX"),
                GetProgramLogSize = (delegate* unmanaged<IntPtr, nuint*, int>)Get("nvrtcGetProgramLogSize"),
                GetProgramLog = (delegate* unmanaged<IntPtr, byte*, int>)Get("nvrtcGetProgramLog"),
                DestroyProgram = (delegate* unmanaged<IntPtr*, int>)Get("nvrtcDestroyProgram"),
                GetErrorString = (delegate* unmanaged<int, byte*>)Get("nvrtcGetErrorString"),
                Version = (delegate* unmanaged<int*, int*, int>)Get("nvrtcVersion"),
            };
        }
    }
}
