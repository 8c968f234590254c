using System.Text.Json;
using T2F.Core.Cuda;
using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using T2F.CudaCheck;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Cuda;

/// <summary>The GPU check harness runs everywhere: on a machine without CUDA it says why, with exit code 3; its expected values come from the library's reference path.</summary>
public class CudaCheckHarnessTests
{
    [Fact]
    public void ReportsUnavailabilityOrPassesItsChecks()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-cudacheck").FullName;
        try
        {
            int rc = T2F.CudaCheck.Program.Main(new[] { "--out", dir, "--reps", "2" });
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            bool available = json.RootElement.GetProperty("available").GetBoolean();
            if (CudaDriverApi.TryCreate(out var driver, out _))
            {
                driver!.Dispose();
                Assert.True(available);
                Assert.Equal(0, rc);
            }
            else
            {
                Assert.Equal(3, rc);
                Assert.False(available);
                Assert.Contains("CUDA", json.RootElement.GetProperty("reason").GetString());
                Assert.True(File.Exists(Path.Combine(dir, "results.md")));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void WritesTheReferenceOutputsOfEverySpecCaseForAGpuMachineWithoutLibTorch()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-cudacheck-expected").FullName;
        try
        {
            Assert.Equal(0, T2F.CudaCheck.Program.Main(["write-expected", dir]));
            var expected = ExpectedValues.Read(dir);
            int outputs = BiasActSpec.Cases.Sum(c => c.WithBias ? 3 : 2) + UpFirDn2dSpec.Cases.Count
                + ModulatedConvSpec.Cases.Sum(c => c.Demodulate ? 3 : 2) + 2;
            Assert.Equal(outputs, expected.Keys.Count);

            // What was written is the library's reference path on the case's inputs, nothing else.
            using var scope = NewDisposeScope();
            var b = BiasActSpec.Case("4d");
            var y = BiasAct.Reference(torch.tensor(b.Input(), b.Shape).to(float64), torch.tensor(b.Bias()!, [b.Channels]).to(float64), b.NegativeSlope, b.Gain);
            TensorAssert.Close(y, torch.tensor(expected.Get(ExpectedValues.Key("bias_act", "4d", "y"), b.Elements), b.Shape), 1e-6, 1e-6, "bias_act 4d");

            var m = ModulatedConvSpec.Case("3x3-up");
            var blur = ModulatedConv.BlurKernel(StyleGan2Defaults.BlurTaps, upsample: true);
            var reference = ModulatedConv.Grouped(torch.tensor(m.Input(), m.InputShape).to(float64), torch.tensor(m.Weight(), m.WeightShape).to(float64), torch.tensor(m.Styles(), [m.Batch, m.InChannels]).to(float64), m.Demodulate, m.Upsample, m.Downsample, blur);
            TensorAssert.Close(reference, torch.tensor(expected.Get(ExpectedValues.Key("modconv", "3x3-up", "y"), reference.numel()), reference.shape), 1e-6, 1e-6, "modconv 3x3-up");

            // A count that does not match what a kernel wrote means the spec changed since: say so.
            var stale = Assert.Throws<InvalidDataException>(() => expected.Get(ExpectedValues.Key("bias_act", "4d", "y"), b.Elements + 1));
            Assert.Contains("write-expected", stale.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
