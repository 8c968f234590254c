using T2F.Core.Cuda;
using T2F.Core.Ops;
using Xunit;

namespace T2F.Core.Tests.Cuda;

/// <summary>CudaKernels and the ops' launchers against a recording driver: what they compile, load and launch, without a GPU.</summary>
public class CudaKernelsLaunchTests
{
    private sealed class RecordingDriver : ICudaDriver
    {
        public List<(string Function, (uint, uint, uint) Grid, (uint, uint, uint) Block, uint Shared, int ArgCount, byte[][] Args)> Launches { get; } = new();

        public Dictionary<IntPtr, string> Functions { get; } = new();

        public string? LoadedPtx { get; private set; }

        public string DeviceName => "recording";

        public (int Major, int Minor) ComputeCapability => (9, 0);

        public IntPtr LoadModule(string ptx)
        {
            LoadedPtx = ptx;
            return 1;
        }

        public IntPtr GetFunction(IntPtr module, string name)
        {
            var handle = (IntPtr)(100 + Functions.Count);
            Functions[handle] = name;
            return handle;
        }

        public void Launch(IntPtr function, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, uint sharedBytes, IntPtr stream, KernelArguments args)
            => Launches.Add((Functions[function], grid, block, sharedBytes, args.Count, Enumerable.Range(0, args.Count).Select(args.ValueBytes).ToArray()));

        public ulong Allocate(long bytes) => 0x1000;

        public void Free(ulong pointer)
        {
        }

        public void CopyToDevice(ulong destination, ReadOnlySpan<byte> source)
        {
        }

        public void CopyToHost(Span<byte> destination, ulong source)
        {
        }

        public void Synchronize()
        {
        }

        public IntPtr CreateStream() => 0;

        public void DestroyStream(IntPtr stream)
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class FakeCompiler : IPtxCompiler
    {
        public string? Architecture { get; private set; }

        public string Version => "fake";

        public string CompileToPtx(string source, string name, string architecture, IReadOnlyList<string> options)
        {
            Architecture = architecture;
            return ".version 8.0\n.visible .entry t2f()\n{\n}\n";
        }
    }

    private static (CudaKernels, RecordingDriver, FakeCompiler, string) Create()
    {
        var driver = new RecordingDriver();
        var compiler = new FakeCompiler();
        string dir = Directory.CreateTempSubdirectory("t2f-ptx").FullName;
        return (new CudaKernels(driver, compiler, new PtxCache(dir)), driver, compiler, dir);
    }

    [Fact]
    public void CompilesForTheDeviceArchitectureAndLoadsEveryKernel()
    {
        var (kernels, driver, compiler, dir) = Create();
        try
        {
            Assert.Equal("compute_90", compiler.Architecture);
            Assert.Equal(KernelSources.KernelNames(KernelSources.Combined()).OrderBy(n => n), driver.Functions.Values.OrderBy(n => n));
            Assert.NotNull(driver.LoadedPtx);
        }
        finally
        {
            kernels.Dispose();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void LaunchGeometryAndArgumentsFollowTheKernelSignatures()
    {
        var (kernels, driver, _, dir) = Create();
        try
        {
            BiasActCuda.Forward(kernels, 1, 2, 3, total: 1000, channels: 10, inner: 25, leakyRelu: true, slope: 0.2f, gain: 2f);
            var launch = driver.Launches.Single();
            Assert.Equal("t2f_bias_act_forward", launch.Function);
            Assert.Equal((4u, 1u, 1u), launch.Grid);             // ceil(1000 / 256)
            Assert.Equal((256u, 1u, 1u), launch.Block);
            Assert.Equal(10, launch.ArgCount);                   // x, bias, y, total, C, inner, act, slope, gain, clamp
            Assert.Equal(BitConverter.GetBytes(1000L), launch.Args[3]);
            Assert.Equal(BitConverter.GetBytes(0.2f), launch.Args[7]);

            ModulatedConvCuda.Direct(kernels, 1, 2, 3, 4, 5, batch: 2, inChannels: 16, outChannels: 20, height: 33, width: 17, kernelSize: 3, stride: 1, padding: 1, scale: 0.1f);
            var conv = driver.Launches[^1];
            Assert.Equal("t2f_modconv_direct", conv.Function);
            Assert.Equal((3u * 2u, 3u, 2u), conv.Grid);           // tiles (17/16 -> 2) x (33/16 -> 3), ceil(20/8) = 3 channel groups, batch 2
            Assert.Equal((16u, 16u, 1u), conv.Block);

            ModulatedConvCuda.ModulateWeights(kernels, 1, 2, 3, 4, batch: 3, outChannels: 5, inChannels: 6, kernelArea: 9, scale: 0.1f, demodulate: true);
            Assert.Equal((15u, 1u, 1u), driver.Launches[^1].Grid);
            Assert.Equal(256u * 4u, driver.Launches[^1].Shared);

            UpFirDn2dCuda.Forward(kernels, 1, 2, 3, planes: 4, height: 19, width: 17, kernelHeight: 3, kernelWidth: 4, upX: 2, upY: 2, downX: 1, downY: 1, padX0: 2, padY0: 2, outHeight: 38, outWidth: 34);
            Assert.Equal("t2f_upfirdn2d", driver.Launches[^1].Function);
            Assert.Equal((21u, 1u, 1u), driver.Launches[^1].Grid);   // ceil(4 * 38 * 34 / 256)
            Assert.Equal(16, driver.Launches[^1].ArgCount);

            Assert.Throws<ArgumentException>(() => ModulatedConvCuda.Direct(kernels, 1, 2, 3, 4, 5, 1, 1, 1, 4, 4, kernelSize: 5, stride: 1, padding: 2, scale: 1));
        }
        finally
        {
            kernels.Dispose();
            Directory.Delete(dir, true);
        }
    }
}
