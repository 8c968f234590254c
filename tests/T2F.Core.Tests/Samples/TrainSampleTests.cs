using T2F.Core.Data.SynthFaces;
using Xunit;

namespace T2F.Core.Tests.Samples;

/// <summary>The training sample end to end on a few SynthFaces: trains, checkpoints, resumes; rejects bad input.</summary>
public class TrainSampleTests
{
    [Fact]
    public void GanVerbTrainsCheckpointsAndResumes()
    {
        string root = Directory.CreateTempSubdirectory("t2f-train-sample").FullName;
        try
        {
            string data = Path.Combine(root, "data");
            SynthFacesWriter.Write(data, new SynthFacesOptions { Count = 8, Size = 16, Seed = 1, CaptionsPerImage = 1 });
            string run = Path.Combine(root, "run");
            string[] Args(int steps) => new[]
            {
                "gan", "--data", data, "--run", run, "--size", "16", "--channels", "4:16,8:12,16:8", "--style", "16", "--mapping", "2",
                "--batch", "4", "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint-every", "1", "--sample-every", "0", "--log-every", "1",
            };
            Assert.Equal(0, T2F.Samples.Train.Program.Main(Args(2)));
            Assert.True(File.Exists(Path.Combine(run, "checkpoint.safetensors")));
            Assert.Equal(0, T2F.Samples.Train.Program.Main(Args(3)));
            Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "losses.csv")).Length); // header + steps 1..3
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Theory]
    [InlineData(2, "gan")]
    [InlineData(2, "gan", "--data", "x", "--run", "y", "--step", "20")]
    [InlineData(2, "gan", "--data", "x", "--run", "y", "--batch", "abc")]
    [InlineData(2, "gan", "--data", "x", "--run", "y", "--checkpoint-every", "0")]
    [InlineData(2, "gan", "--data", "x", "--run", "y", "--log-every", "0")]
    [InlineData(2, "gan", "--data", "x", "--run", "y", "--channels", "4:x")]
    [InlineData(2, "projector", "--data", "x", "--generator", "g", "--run", "y", "--lr", "NaN")]
    [InlineData(2, "bundle", "--generator", "g", "--out", "o", "--steps", "3")]
    [InlineData(2, "nonsense")]
    [InlineData(2, "gan", "--data")]
    [InlineData(2, "projector", "--data", "x")]
    [InlineData(1, "gan", "--data", "/nonexistent", "--run", "/tmp/t2f-never-written")]
    public void BadArgumentsFailWithAnExitCode(int expected, params string[] args)
        => Assert.Equal(expected, T2F.Samples.Train.Program.Main(args));
}
