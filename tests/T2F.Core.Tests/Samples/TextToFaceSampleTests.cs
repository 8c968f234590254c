using T2F.Core.Data;
using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;
using Xunit;

namespace T2F.Core.Tests.Samples;

/// <summary>Text in, PNGs out, through a (tiny, untrained) bundle and the real MiniLM encoder.</summary>
public class TextToFaceSampleTests
{
    [Fact]
    public void WithoutModelItUsesTheEmbeddedDefaultModel()
    {
        string output = Directory.CreateTempSubdirectory("t2f-default-sample").FullName;
        try
        {
            Assert.Equal(0, T2F.Samples.TextToFace.Program.Main(new[] { "--text", "The woman has wavy blond hair and is smiling.", "--count", "3", "--seed", "1", "--truncation", "0.7", "--out", output }));
            Assert.Equal(3, Directory.GetFiles(output, "face000_*.png").Length);
            var rgb = T2F.Core.Data.ImageFiles.LoadRgb24(Path.Combine(output, "face000_00.png"), out int width, out int height);
            Assert.Equal((64, 64), (width, height));
            Assert.True(rgb.Distinct().Count() > 64, "the default model's face is a flat image");
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }

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
            Assert.Equal(4, Directory.GetFiles(output, "face*.png").Length);
            T2F.Core.Data.ImageFiles.LoadRgb24(Path.Combine(output, "grid.png"), out int gridWidth, out int gridHeight);
            Assert.True(gridWidth >= 2 * 16 && gridWidth < 3 * 16 && gridHeight >= 2 * 16 && gridHeight < 3 * 16, $"grid.png is {gridWidth}x{gridHeight}, expected 2 rows of 2 faces");
            Assert.Equal(4, File.ReadAllLines(Path.Combine(output, "descriptions.txt")).Length);
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle }));

            // Editing, interpolation and style mixing write their strips and faces.
            string more = Path.Combine(root, "more");
            rc = T2F.Samples.TextToFace.Program.Main(new[]
            {
                "--model", bundle, "--text", "The woman has straight hair.", "--count", "2", "--out", more,
                "--edit", "The woman has straight hair and wears eyeglasses.", "--interpolate", "The man is bald.", "--frames", "4",
                "--mix", "The man has a goatee.", "--crossover", "2",
            });
            Assert.Equal(0, rc);
            foreach (var file in new[] { "edit_00_original.png", "edit_00_edited.png", "edit_01_edited.png", "edit_strip.png", "interpolation.png", "mix_00.png", "mix_01.png" })
            {
                Assert.True(File.Exists(Path.Combine(more, file)), $"{file} was not written");
            }

            T2F.Core.Data.ImageFiles.LoadRgb24(Path.Combine(more, "interpolation.png"), out int w, out int h);
            Assert.True(w >= 4 * 16 && h >= 16, $"interpolation strip is {w}x{h}");
            Assert.Equal(1, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--interpolate", "a man", "--frames", "1", "--out", more }));
            Assert.Equal(1, T2F.Samples.TextToFace.Program.Main(new[] { "--model", Path.Combine(root, "missing"), "--text", "a face" }));

            // Bad input is refused before loading: absurd counts, seeds and psi, texts without words, an --out that is a file.
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--count", "2000" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--count", "2000000000" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--seed", "9223372036854775800" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--seed", "1e20" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--truncation", "abc" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--variation", "abc" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--variation", "3" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--strength", "NaN" }));
            Assert.Equal(2, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "\u0000\u200b\t\n" }));
            string aFile = Path.Combine(root, "a-file");
            File.WriteAllText(aFile, "x");
            Assert.Equal(1, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "a face", "--out", aFile }));

            // A description with control characters stays on one line of descriptions.txt.
            string lined = Path.Combine(root, "lined");
            Assert.Equal(0, T2F.Samples.TextToFace.Program.Main(new[] { "--model", bundle, "--text", "The man\nhas a\tbeard.", "--count", "1", "--out", lined }));
            Assert.Single(File.ReadAllLines(Path.Combine(lined, "descriptions.txt")));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
