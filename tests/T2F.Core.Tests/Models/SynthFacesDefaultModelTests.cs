using T2F.Core.Pipeline;
using T2F.Core.Tests.TestSupport;
using T2F.Models.SynthFaces;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Models;

/// <summary>The embedded default model (T2F.Models.SynthFaces) through <c>TextToFacePipeline.LoadDefault()</c>.</summary>
// Serial: AThousandGenerationsKeepMemoryFlat measures the process's resident memory, which tests running beside it would move.
[Collection(ProcessWideStateCollection.Name)]
public class SynthFacesDefaultModelTests : IClassFixture<SynthFacesDefaultModelTests.Model>
{
    public sealed class Model : IDisposable
    {
        public TextToFacePipeline Pipeline { get; } = TextToFacePipeline.LoadDefault();

        public void Dispose() => Pipeline.Dispose();
    }

    private readonly TextToFacePipeline pipeline;

    public SynthFacesDefaultModelTests(Model model) => pipeline = model.Pipeline;

    private byte[][] Pngs(string text, long seed, int count)
    {
        var faces = pipeline.Generate(text, new GenerationOptions { Seed = seed, FacesPerDescription = count, Truncation = 0.7f });
        var bytes = faces.Select(f => f.ToPng()).ToArray();
        foreach (var face in faces)
        {
            face.Dispose();
        }

        return bytes;
    }

    [Fact]
    public void LoadsFromTheEmbeddedBundleWithTheEncoderItWasTrainedWith()
    {
        Assert.Equal(64, pipeline.Resolution);
        Assert.Equal(T2F.Models.MiniLM.MiniLM.EncoderName, pipeline.EncoderName);
        Assert.Equal(384, pipeline.Encoder.EmbeddingSize);
        Assert.All(SynthFacesModel.Files, file => Assert.NotNull(SynthFacesModel.ReadFile(file)));
        Assert.Null(SynthFacesModel.ReadFile("other.bin"));

        // The same bytes as the bundle folder the training recipe writes would give: the embedded files are a bundle.
        string folder = Directory.CreateTempSubdirectory("t2f-default").FullName;
        try
        {
            foreach (string file in SynthFacesModel.Files)
            {
                File.WriteAllBytes(Path.Combine(folder, file), SynthFacesModel.ReadFile(file)!);
            }

            using var fromFolder = T2F.Models.MiniLM.MiniLM.LoadPipeline(folder);
            var a = fromFolder.Generate("The man has a beard.", new GenerationOptions { Seed = 2, Truncation = 0.7f });
            Assert.Equal(a[0].ToPng(), Pngs("The man has a beard.", 2, 1)[0]);
            a[0].Dispose();
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameBytesAndDifferentSeedsDifferentFaces()
    {
        const string text = "The woman has wavy blond hair and is smiling.";
        var first = Pngs(text, 7, 2);
        Assert.Equal(first, Pngs(text, 7, 2));
        Assert.NotEqual(first[0], first[1]);
        Assert.NotEqual(first[0], Pngs(text, 8, 1)[0]);

        // Different seeds must give visibly different faces, not the same face with different noise bytes.
        using var scope = NewDisposeScope();
        var faces = pipeline.Generate(text, new GenerationOptions { Seed = 1, FacesPerDescription = 4, Truncation = 0.7f });
        var images = stack(faces.Select(f => f.Image).ToArray());
        double spread = images.std(0).mean().item<float>();
        foreach (var face in faces)
        {
            face.Dispose();
        }

        Assert.True(spread > 0.02, $"faces of four seeds differ by a mean per-pixel standard deviation of {spread:F4} only");
    }

    [Fact]
    public void AThousandGenerationsKeepMemoryFlat()
    {
        void Call(int i)
        {
            var faces = pipeline.Generate($"Face {i % 10} has wavy hair.", new GenerationOptions { FacesPerDescription = 8, Seed = i, Truncation = 0.8f });
            foreach (var face in faces)
            {
                face.Dispose();
            }
        }

        for (int i = 0; i < 10; i++)
        {
            Call(i);
        }

        long before = ProcessMemory.ResidentBytesAfterCollection();
        long liveBefore = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 125; i++)
        {
            Call(i); // 125 calls x 8 faces = 1,000 generations
        }

        long growth = ProcessMemory.ResidentBytesAfterCollection() - before;
        Assert.Equal(liveBefore, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.True(growth < 64L << 20, $"resident memory grew by {growth >> 20} MB over 1,000 generations");
    }

    [Fact]
    public void AnEditChangesTheStatedAttributeAndKeepsTheFace()
    {
        using var scope = NewDisposeScope();
        using var classifier = T2F.Models.SynthFacesAttributes.SynthFacesAttributeModels.LoadClassifier();
        using var identity = T2F.Models.FaceApi.FaceApiModels.LoadIdentityFeatureExtractor();
        const int faces = 16;
        var pairs = pipeline.Edit("The woman has straight black hair.", "The woman has straight blond hair.", new GenerationOptions { Seed = 3, FacesPerDescription = faces, Truncation = 0.7f });
        var originals = stack(pairs.Where((_, i) => i % 2 == 0).Select(f => f.Image).ToArray());
        var edited = stack(pairs.Where((_, i) => i % 2 == 1).Select(f => f.Image).ToArray());
        foreach (var face in pairs)
        {
            face.Dispose();
        }

        // The classifier sees blond hair on most edited faces and on few originals.
        int blond = (int)T2F.Core.Data.CelebAAttribute.BlondHair;
        double before = (classifier.Predict(originals)[.., blond] >= 0.5f).to(ScalarType.Float32).mean().item<float>();
        double after = (classifier.Predict(edited)[.., blond] >= 0.5f).to(ScalarType.Float32).mean().item<float>();
        Assert.True(after >= 0.75 && before <= 0.25, $"blond hair found on {before:P0} of the originals and {after:P0} of the edited faces");

        // Each edited face is closer to its own original than a face of another description is. face-api's identity
        // descriptors of these drawn faces share a large common part (raw cosines are all about 0.96), so they are
        // compared centred on the mean descriptor of all the faces here, as T2F.Evaluate's centred similarity does.
        var others = pipeline.Generate("The man is bald and has a gray mustache.", new GenerationOptions { Seed = 11, FacesPerDescription = faces, Truncation = 0.7f });
        var a = identity.Extract(originals);
        var b = identity.Extract(edited);
        var c = identity.Extract(stack(others.Select(f => f.Image).ToArray()));
        foreach (var face in others)
        {
            face.Dispose();
        }

        var mean = cat([a, b, c]).mean([0], keepdim: true);
        double kept = nn.functional.cosine_similarity(a - mean, b - mean, 1).mean().item<float>();
        double random = nn.functional.cosine_similarity(a - mean, c - mean, 1).mean().item<float>();
        Assert.True(kept > random, $"identity similarity original -> edited {kept:F3}, two unrelated faces {random:F3}");
    }
}
