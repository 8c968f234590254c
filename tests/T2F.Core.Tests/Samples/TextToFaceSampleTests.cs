using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;
using Xunit;

namespace T2F.Core.Tests.Samples;

/// <summary>Text in, PNGs out, through a (tiny, untrained) bundle and the real MiniLM encoder.</summary>
public class TextToFaceSampleTests
{
    [Fact]
    public void WritesOnePngPerFaceFromABundle()
    {
        string root = Directory.CreateTempSubdirectory("t2f-t2f").FullName;
        try
        {
            string bundle = Path.Combine(root, "model");
            var generator = StyleGan2Model.Create(new GeneratorConfig(16, 16, 2, new Dictionary<int, int> { [4] = 16, [8] = 12, [16] = 8 }, 0.01f, StyleGan2Defaults.BlurTaps), seed: 3);
            var projector = new MlpLatentProjector(new LatentProjectorConfig(384, 16, generator.LatentCount, LatentSpace.WPlus, 32, 1, 4));
            using (var pipeline = new TextToFacePipeline(T2F.Models.MiniLM.MiniLM.LoadEncoder(), projector, generator, T2F.Models.MiniLM.MiniLM.EncoderName, ownsEncoder: true))
            {
                pipeline.Save(bundle);
            }

            string output = Path.Combine(root, "out");
            int rc = T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "The woman is smiling.", "--text", "The man has a beard.", "--count", "2", "--out", output });
            Assert.Equal(0, rc);
            Assert.Equal(4, Directory.GetFiles(output, "*.png").Length);
            Assert.Equal(4, File.ReadAllLines(Path.Combine(output, "descriptions.txt")).Length);
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle }));
            Assert.Equal(1, T2F.Samples.TextToFace.Program.Main(new[] { "--model", Path.Combine(root, "missing"), "--text", "a face" }));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
