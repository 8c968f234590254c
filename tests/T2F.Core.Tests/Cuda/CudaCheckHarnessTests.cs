using System.Text.Json;
using T2F.Core.Cuda;
using Xunit;

namespace T2F.Core.Tests.Cuda;

/// <summary>The GPU check harness runs everywhere: on a machine without CUDA it says why, with exit code 3.</summary>
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
}
