using System.Text.Json;
using T2F.Core.Data.SynthFaces;
using Xunit;
using T2F.Core.Tests.TestSupport;

namespace T2F.Core.Tests.Samples;

/// <summary>The evaluation sample end to end on a few SynthFaces: writes metrics.json, report.md and the sheet; same seed, same numbers.</summary>
// Serial: T2F.Evaluate seeds torch's global generator (its two runs are compared), sets libtorch's thread count, and one test
// redirects the console's standard error.
[Collection(ProcessWideStateCollection.Name)]
public class EvaluateSampleTests
{
    private static readonly string[] Keys = ["frechet_distance", "similarity", "fsd", "attribute_accuracy", "diversity"];

    [Fact]
    public void WritesMetricsReportAndSheetReproducibly()
    {
        string root = Directory.CreateTempSubdirectory("t2f-evaluate-sample").FullName;
        try
        {
            string data = Path.Combine(root, "data");
            SynthFacesWriter.Write(data, new SynthFacesOptions { Count = 40, Size = 64, Seed = 4, CaptionsPerImage = 1 });
            string[] Args(string outDir) => ["--data", data, "--count", "4", "--out", outDir, "--diversity", "2", "--seed", "3"];
            Assert.Equal(0, T2F.Samples.Evaluate.Program.Main(Args(Path.Combine(root, "a"))));
            Assert.Equal(0, T2F.Samples.Evaluate.Program.Main(Args(Path.Combine(root, "b"))));
            using var a = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "a", "metrics.json")));
            using var b = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "b", "metrics.json")));
            foreach (var key in Keys)
            {
                Assert.Equal(a.RootElement.GetProperty(key).GetDouble(), b.RootElement.GetProperty(key).GetDouble());
                Assert.False(string.IsNullOrEmpty(a.RootElement.GetProperty(key + "_features").GetString()));
            }

            Assert.Equal(4, a.RootElement.GetProperty("count").GetInt32());
            Assert.InRange(a.RootElement.GetProperty("attribute_accuracy").GetDouble(), 0.5, 1.0);
            Assert.True(new FileInfo(Path.Combine(root, "a", "sheet.png")).Length > 0);
            Assert.Contains("attribute accuracy", File.ReadAllText(Path.Combine(root, "a", "report.md")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void EvaluatesATextToFaceBundleFromTheDescriptions()
    {
        string root = Directory.CreateTempSubdirectory("t2f-evaluate-bundle").FullName;
        try
        {
            string data = Path.Combine(root, "data");
            SynthFacesWriter.Write(data, new SynthFacesOptions { Count = 8, Size = 16, Seed = 4, CaptionsPerImage = 1 });
            string bundle = Path.Combine(root, "model");
            var generator = T2F.Core.Generation.StyleGan2Model.Create(new T2F.Core.Generation.GeneratorConfig(16, 16, 2, new Dictionary<int, int> { [4] = 16, [8] = 12, [16] = 8 }, 0.01f, T2F.Core.Generation.StyleGan2Defaults.BlurTaps), seed: 3);
            var projector = new T2F.Core.Projection.MlpLatentProjector(new T2F.Core.Projection.LatentProjectorConfig(384, 16, generator.LatentCount, T2F.Core.Projection.LatentSpace.WPlus, 32, 1, 4));
            using (var pipeline = new T2F.Core.Pipeline.TextToFacePipeline(T2F.Models.MiniLM.MiniLM.LoadEncoder(), projector, generator, T2F.Models.MiniLM.MiniLM.EncoderName, ownsEncoder: true))
            {
                pipeline.Save(bundle);
            }

            string outDir = Path.Combine(root, "out");
            Assert.Equal(0, T2F.Samples.Evaluate.Program.Main(["--data", data, "--count", "4", "--out", outDir, "--diversity", "2", "--model", bundle]));
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
            Assert.Contains("text-to-face bundle", metrics.RootElement.ToString(), StringComparison.Ordinal);
            foreach (var key in Keys)
            {
                Assert.True(double.IsFinite(metrics.RootElement.GetProperty(key).GetDouble()), key);
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void AFolderWithoutModelJsonIsNamedAsNeitherBundleNorCheckpoint()
    {
        string root = Directory.CreateTempSubdirectory("t2f-eval-model").FullName;
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            int rc = T2F.Samples.Evaluate.Program.Main(new[] { "--data", root, "--model", root, "--out", Path.Combine(root, "out") });
            Assert.Equal(1, rc);
            Assert.Contains("without model.json", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(previous);
            Directory.Delete(root, true);
        }
    }

    [Theory]
    [InlineData(2, "--count", "4")]
    [InlineData(2, "--data", "x", "--out", "y", "--bogus", "1")]
    [InlineData(2, "train-attributes")]
    [InlineData(1, "--data", "/nonexistent-t2f", "--out", "/tmp/t2f-never-written")]
    public void BadArgumentsFailWithAnExitCode(int expected, params string[] args)
        => Assert.Equal(expected, T2F.Samples.Evaluate.Program.Main(args));
}
