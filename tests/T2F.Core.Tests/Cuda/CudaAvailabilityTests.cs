using T2F.Core.Cuda;
using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Cuda;

/// <summary>Without a CUDA driver the binding says so cleanly and the ops fall back loudly, once.</summary>
// Serial: swaps OpSettings.Log, where every op of the process logs.
[Collection(ProcessWideStateCollection.Name)]
public class CudaAvailabilityTests
{
    [Fact]
    public void DriverBindingReportsAMissingDriverCleanly()
    {
        if (CudaDriverApi.TryCreate(out var driver, out var reason))
        {
            using (driver)
            {
                Assert.False(string.IsNullOrEmpty(driver!.DeviceName));
                Assert.True(driver.ComputeCapability.Major >= 3);
            }

            return;
        }

        Assert.NotNull(reason);
        Assert.True(reason!.Contains("libcuda", StringComparison.Ordinal) || reason.Contains("no device", StringComparison.OrdinalIgnoreCase) || reason.Contains("cuInit", StringComparison.Ordinal), reason);
        Assert.False(CudaKernels.TryGetDefault(out var kernels, out var why));
        Assert.Null(kernels);
        Assert.False(string.IsNullOrWhiteSpace(why));
    }

    [Fact]
    public void CudaBackendOnCpuTensorsFallsBackWithOneLogLine()
    {
        var messages = new List<string>();
        var previousLog = OpSettings.Log;
        OpSettings.Log = messages.Add;
        try
        {
            using var backend = OpSettings.Use(OpBackend.Cuda);
            using var scope = NewDisposeScope();
            var x = randn(2, 4, 8, 8);
            Assert.Equal(OpBackend.CpuFused, OpSettings.Resolve(x));
            var y1 = BiasAct.Apply(x, randn(4));
            var y2 = BiasAct.Apply(x, randn(4));
            Assert.Equal(x.shape, y2.shape);
            Assert.True(messages.Count <= 1, string.Join(" | ", messages));
        }
        finally
        {
            OpSettings.Log = previousLog;
        }
    }

    [Fact]
    public void ResolveFollowsTheSwitch()
    {
        using var scope = NewDisposeScope();
        var x = randn(1, 1, 2, 2);
        using (OpSettings.Use(OpBackend.Reference))
        {
            Assert.Equal(OpBackend.Reference, OpSettings.Resolve(x));
        }

        using (OpSettings.Use(OpBackend.Auto))
        {
            Assert.Equal(OpBackend.CpuFused, OpSettings.Resolve(x));
        }

        using (OpSettings.Use(OpBackend.CpuFused))
        {
            Assert.Equal(OpBackend.CpuFused, OpSettings.Resolve(x));
        }
    }
}
