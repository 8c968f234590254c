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

    private static void Same(GeneratedFace expected, GeneratedFace actual, string what) => TensorAssert.Close(expected.Image, actual.Image, 0, 0, what);

    private static void DisposeAll(params IEnumerable<GeneratedFace>[] sets)
    {
        foreach (var face in sets.SelectMany(s => s))
        {
            face.Dispose();
        }
    }

    [Fact]
    public void EditKeepsTheFaceAtStrengthZeroAndReachesTheEditedDescriptionAtOne()
    {
        using var pipeline = Tiny();
        var options = new GenerationOptions { FacesPerDescription = 3, Seed = 11 };
        var original = pipeline.Generate("a woman with straight hair", options);
        var target = pipeline.Generate("a woman with straight hair and eyeglasses", options);
        var none = pipeline.Edit("a woman with straight hair", "a woman with straight hair and eyeglasses", options, strength: 0f);
        var full = pipeline.Edit("a woman with straight hair", "a woman with straight hair and eyeglasses", options);
        var half = pipeline.Edit("a woman with straight hair", "a woman with straight hair and eyeglasses", options, strength: 0.5f);
        Assert.Equal(6, full.Count);
        for (int k = 0; k < 3; k++)
        {
            Same(original[k], full[2 * k], $"edit original {k} = generated face {k}");
            Same(original[k], none[(2 * k) + 1], $"strength 0 leaves face {k} as it was");
            Same(target[k], full[(2 * k) + 1], $"strength 1 gives face {k} of the edited description with the same noise");
            Assert.Equal("a woman with straight hair and eyeglasses", full[(2 * k) + 1].Description);
            double toOriginal = TensorAssert.MaxAbsDiff(original[k].Image, half[(2 * k) + 1].Image);
            double toTarget = TensorAssert.MaxAbsDiff(target[k].Image, half[(2 * k) + 1].Image);
            Assert.True(toOriginal > 1e-5 && toTarget > 1e-5, $"half an edit is between the two faces ({toOriginal}, {toTarget})");
        }

        DisposeAll(original, target, none, full, half);
    }

    [Fact]
    public void InterpolationRunsFromTheFirstDescriptionToTheSecond()
    {
        using var pipeline = Tiny();
        var options = new GenerationOptions { Seed = 4 };
        var frames = pipeline.Interpolate("a bald man", "a blond woman", 5, options);
        Assert.Equal(5, frames.Count);
        var from = pipeline.Generate("a bald man", options);
        var to = pipeline.Generate("a blond woman", options);
        TensorAssert.Close(from[0].Image, frames[0].Image, 1e-6, 0, "first frame");
        TensorAssert.Close(to[0].Image, frames[4].Image, 1e-6, 0, "last frame");
        for (int i = 1; i < 4; i++)
        {
            Assert.True(TensorAssert.MaxAbsDiff(frames[i].Image, frames[i - 1].Image) > 1e-5, $"frame {i} moves");
        }

        DisposeAll(frames, from, to);
    }

    [Fact]
    public void MixingADescriptionWithItselfIsThatDescriptionsFaceAndBoundsAreChecked()
    {
        using var pipeline = Tiny();
        var options = new GenerationOptions { FacesPerDescription = 2, Seed = 8 };
        var plain = pipeline.Generate("a man with a goatee", options);
        var self = pipeline.Mix("a man with a goatee", "a man with a goatee", 3, options);
        var mixed = pipeline.Mix("a man with a goatee", "a smiling woman with bangs", 3, options);
        var other = pipeline.Generate("a smiling woman with bangs", options);
        for (int k = 0; k < 2; k++)
        {
            Same(plain[k], self[k], $"self-mix face {k}");
            Assert.True(TensorAssert.MaxAbsDiff(mixed[k].Image, plain[k].Image) > 1e-5 && TensorAssert.MaxAbsDiff(mixed[k].Image, other[k].Image) > 1e-5, "a mix differs from both sources");
        }

        int layers = pipeline.Generator.LatentCount;
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Mix("a", "b", 0, options));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Mix("a", "b", layers, options));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Interpolate("a", "b", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Interpolate("a", "b", TextToFacePipeline.MaxFrames + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Edit("a", "b", options, float.NaN));
        Assert.Throws<ArgumentException>(() => pipeline.Edit("a", " ", options));
        Assert.Contains("256", Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Generate("a face", new GenerationOptions { FacesPerDescription = TextToFacePipeline.MaxFacesPerCall + 1 })).Message);
        DisposeAll(plain, self, mixed, other);
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
    public void ABundleHeldInMemoryLoadsAsTheFolderDoes()
    {
        string folder = Directory.CreateTempSubdirectory("t2f-bundle-memory").FullName;
        try
        {
            using var pipeline = Tiny();
            pipeline.Save(folder);
            var files = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
            using var loaded = TextToFacePipeline.Load(name => files.GetValueOrDefault(name), "test bundle", new HashTextEncoder(32), "hash-32");
            var a = pipeline.Generate("a woman with bangs", new GenerationOptions { Seed = 4, FacesPerDescription = 2 });
            var b = loaded.Generate("a woman with bangs", new GenerationOptions { Seed = 4, FacesPerDescription = 2 });
            Assert.Equal(a.Select(f => f.ToPng()), b.Select(f => f.ToPng()));
            foreach (var face in a.Concat(b))
            {
                face.Dispose();
            }

            var missing = Assert.Throws<FileNotFoundException>(() => TextToFacePipeline.Load(name => name == "projector.safetensors" ? null : files[name], "test bundle", new HashTextEncoder(32), "hash-32"));
            Assert.Contains("test bundle lacks projector.safetensors", missing.Message);
            var wrongEncoder = Assert.Throws<T2F.Core.Checkpoints.CheckpointFormatException>(() => TextToFacePipeline.Load(name => files[name], "test bundle", new HashTextEncoder(32), "all-MiniLM-L6-v2"));
            Assert.Contains("test bundle/model.json: the bundle's projector was trained on 'hash-32'", wrongEncoder.Message);
            var truncated = Assert.Throws<T2F.Core.Checkpoints.CheckpointFormatException>(() => TextToFacePipeline.Load(name => name == "generator.safetensors" ? files[name][..1000] : files[name], "test bundle", new HashTextEncoder(32), null));
            Assert.Contains("test bundle/generator.safetensors is not a valid safetensors file", truncated.Message);
        }
        finally
        {
            Directory.Delete(folder, true);
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

            // model.json that was edited or damaged: one clear error naming the field, before anything is allocated.
            string json = Path.Combine(root, "m", "model.json");
            string good = File.ReadAllText(json);
            void Bad(string edited, string expected)
            {
                File.WriteAllText(json, edited);
                var e = Assert.Throws<T2F.Core.Checkpoints.CheckpointFormatException>(() => TextToFacePipeline.Load(Path.Combine(root, "m"), new HashTextEncoder(32)));
                Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            }

            Bad(good.Replace("\"WPlus\"", "\"Banana\"", StringComparison.Ordinal), "Banana");
            Bad(good.Replace("\"Space\"", "\"Spaces\"", StringComparison.Ordinal), "lacks Space");
            Bad(System.Text.RegularExpressions.Regex.Replace(good, "\"HiddenSize\": \\d+", "\"HiddenSize\": 2000000000"), "HiddenSize");
            Bad(System.Text.RegularExpressions.Regex.Replace(good, "\"Resolution\": \\d+", "\"Resolution\": 32"), "32x32");
            File.WriteAllText(json, good);
            Assert.Contains("hash-32", Assert.Throws<T2F.Core.Checkpoints.CheckpointFormatException>(() => TextToFacePipeline.Load(Path.Combine(root, "m"), new HashTextEncoder(32), "bert-base-uncased")).Message);
            using (TextToFacePipeline.Load(Path.Combine(root, "m"), new HashTextEncoder(32), "hash-32"))
            {
            }

            File.Delete(Path.Combine(root, "m", "projector.safetensors"));
            Assert.Contains("projector.safetensors", Assert.Throws<FileNotFoundException>(() => TextToFacePipeline.Load(Path.Combine(root, "m"), new HashTextEncoder(32))).Message);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
