using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.Metrics.Attributes;
using T2F.Core.Training;
using TorchSharp;
using Xunit;

namespace T2F.Core.Tests.Metrics.Attributes;

public class AttributeClassifierTests
{
    [Fact]
    public void SaveLoadRoundTripKeepsPredictionsAndTrainedSet()
    {
        string path = Path.Combine(Path.GetTempPath(), $"t2f-attr-{Guid.NewGuid():N}.safetensors");
        try
        {
            var judged = AttributeSet.Of(CelebAAttribute.Male, CelebAAttribute.Smiling);
            using var a = new AttributeClassifier(7, judged);
            var x = torch.rand(3, 3, 64, 64, generator: new torch.Generator(1)) * 2 - 1;
            var expected = a.Predict(x);
            a.Save(path, "round trip");
            using var b = AttributeClassifier.Load(path);
            Assert.Equal(judged, b.TrainedAttributes);
            Assert.Equal("round trip", b.Name);
            Assert.True(expected.allclose(b.Predict(x), rtol: 0, atol: 0));
            Assert.Equal([3L, CelebAAttributes.Count], b.Predict(torch.zeros(3, 3, 128, 96)).shape);
            Assert.Equal([3L, CelebAAttributes.Count], b.Predict(torch.zeros(3, 3, 32, 32)).shape);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrainingIsSeededAndLowersTheLoss()
    {
        var faces = Enumerable.Range(0, 16).Select(i => SynthFaceSampler.Sample(5, i)).ToArray();
        var images = torch.stack(faces.Select(f => torch.tensor(SynthFaceRenderer.RenderRgb24(f, 32), [32, 32, 3]).permute(2, 0, 1).to(torch.float32) / 127.5 - 1).ToArray());
        var labels = faces.Select(f => f.Attributes).ToArray();
        var options = new AttributeTrainingOptions { Epochs = 3, BatchSize = 8, Seed = 3 };
        using var a = new AttributeClassifier(1);
        using var b = new AttributeClassifier(1);
        var losses = new List<double>();
        AttributeClassifierTrainer.Train(a, images, labels, options, new SyncProgress(p => losses.Add(p.Loss)));
        AttributeClassifierTrainer.Train(b, images, labels, options);
        Assert.True(losses[^1] < losses[0]);
        Assert.True(a.Predict(images).allclose(b.Predict(images), rtol: 0, atol: 0));
    }

    [Fact]
    public void LoadsFromAStreamAndRejectsTruncatedBytesWithTheSourceName()
    {
        string path = Path.Combine(Path.GetTempPath(), $"t2f-attr-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var a = new AttributeClassifier(5);
            a.Save(path);
            byte[] bytes = File.ReadAllBytes(path);
            var x = torch.rand(2, 3, 64, 64, generator: new torch.Generator(2)) * 2 - 1;

            using (var b = AttributeClassifier.Load(new MemoryStream(bytes), "stream copy"))
            {
                Assert.True(a.Predict(x).allclose(b.Predict(x), rtol: 0, atol: 0));
            }

            var truncated = new MemoryStream(bytes, 0, bytes.Length / 2);
            var e = Assert.ThrowsAny<IOException>(() => AttributeClassifier.Load(truncated, "half a classifier"));
            Assert.Contains("half a classifier", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ShippedClassifierFindsAttributesOfFreshSynthFaces()
    {
        using var classifier = T2F.Models.SynthFacesAttributes.SynthFacesAttributeModels.LoadClassifier();
        Assert.Equal(SynthFaceSampler.RenderableAttributes, classifier.TrainedAttributes);
        var faces = Enumerable.Range(0, 200).Select(i => SynthFaceSampler.Sample(12345, i)).ToArray();
        var images = torch.stack(faces.Select(f => torch.tensor(SynthFaceRenderer.RenderRgb24(f, 64), [64, 64, 3]).permute(2, 0, 1).to(torch.float32) / 127.5 - 1).ToArray());
        var r = AttributeAccuracy.Compute(classifier, images, faces.Select(f => f.Attributes).ToArray());
        Assert.True(r.Accuracy > 0.88, $"accuracy {r.Accuracy:P1}");
        Assert.True(r.BalancedAccuracy > 0.8, $"balanced accuracy {r.BalancedAccuracy:P1}");
    }

    private sealed class SyncProgress(Action<AttributeTrainingProgress> report) : IProgress<AttributeTrainingProgress>
    {
        public void Report(AttributeTrainingProgress value) => report(value);
    }
}
