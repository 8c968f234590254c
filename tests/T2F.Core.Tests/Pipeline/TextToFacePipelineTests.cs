using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Pipeline;

public class TextToFacePipelineTests
{
    private static TextToFacePipeline Tiny(int noise = 4)
    {
        using var scope = NewDisposeScope();
        var generator = StyleGan2Model.Create(new GeneratorConfig(16, 16, 2, new Dictionary<int, int> { [4] = 16, [8] = 12, [16] = 8 }, 0.01f, StyleGan2Defaults.BlurTaps), seed: 3);
        var projector = new MlpLatentProjector(new LatentProjectorConfig(32, 16, generator.LatentCount, LatentSpace.WPlus, 32, 2, noise), generator.MeanLatent(256, 1));
        return new TextToFacePipeline(new HashTextEncoder(32), projector, generator, "hash-32", ownsEncoder: true);
    }

    [Fact]
    public void GeneratesSeededFacesPerDescription()
    {
        using var pipeline = Tiny();
        var faces = pipeline.Generate(new[] { "a smiling woman", "a man with a beard" }, new GenerationOptions { FacesPerDescription = 2, Seed = 5 });
        Assert.Equal(4, faces.Count);
        Assert.Equal(new[] { "a smiling woman", "a smiling woman", "a man with a beard", "a man with a beard" }, faces.Select(f => f.Description));
        Assert.Equal(new long[] { 3, 16, 16 }, faces[0].Image.shape);
        Assert.True(TensorAssert.MaxAbsDiff(faces[0].Image, faces[1].Image) > 1e-4, "two faces of one description should differ (noise)");
        var again = pipeline.Generate(new[] { "a smiling woman", "a man with a beard" }, new GenerationOptions { FacesPerDescription = 2, Seed = 5 });
        TensorAssert.Close(faces[2].Image, again[2].Image, 0, 0, "same seed");
        Assert.StartsWith("\u0089PNG", System.Text.Encoding.Latin1.GetString(faces[0].ToPng(), 0, 4));
        foreach (var f in faces.Concat(again))
        {
            f.Dispose();
        }
    }

    [Fact]
    public void BundleRoundTripGivesIdenticalFacesAndIsAtomic()
    {
        string root = Directory.CreateTempSubdirectory("t2f-bundle").FullName;
        try
        {
            string folder = Path.Combine(root, "model");
            using var pipeline = Tiny();
            pipeline.Save(folder);
            pipeline.Save(folder); // overwriting an existing bundle
            Assert.Equal(new[] { "model" }, Directory.GetDirectories(root).Select(Path.GetFileName));
            Assert.Equal(new[] { "generator.safetensors", "model.json", "projector.safetensors" }, Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
            using var loaded = TextToFacePipeline.Load(folder, new HashTextEncoder(32));
            Assert.Equal("hash-32", loaded.EncoderName);
            var a = pipeline.Generate("a young man with glasses", new GenerationOptions { Seed = 9 });
            var b = loaded.Generate("a young man with glasses", new GenerationOptions { Seed = 9 });
            TensorAssert.Close(a[0].Image, b[0].Image, 0, 0, "after bundle round trip");
            a[0].Dispose();
            b[0].Dispose();
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        using var pipeline = Tiny();
        Assert.Throws<ArgumentNullException>(() => pipeline.Generate((string)null!));
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => pipeline.Generate("   ")).Message);
        Assert.Throws<ArgumentException>(() => pipeline.Generate(Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => pipeline.Generate(new string('a', TextToFacePipeline.MaxDescriptionLength + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Generate("a face", new GenerationOptions { FacesPerDescription = 0 }));

        string root = Directory.CreateTempSubdirectory("t2f-bundle").FullName;
        try
        {
            Assert.Throws<FileNotFoundException>(() => TextToFacePipeline.Load(root, new HashTextEncoder(32)));
            pipeline.Save(Path.Combine(root, "m"));
            Assert.Contains("32", Assert.Throws<ArgumentException>(() => TextToFacePipeline.Load(Path.Combine(root, "m"), new HashTextEncoder(48))).Message);
            File.Delete(Path.Combine(root, "m", "projector.safetensors"));
            Assert.Contains("projector.safetensors", Assert.Throws<FileNotFoundException>(() => TextToFacePipeline.Load(Path.Combine(root, "m"), new HashTextEncoder(32))).Message);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
