using T2F.Core.Data;
using T2F.Core.Metrics.Attributes;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Training;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Training;

// ProjectorTrainingOptions.AttributeBalance: the presence term of a rare attribute weighs ((1 - p) / p)^b.
[Collection(ProcessWideStateCollection.Name)]
public class AttributeBalanceTests
{
    // 8 faces: Male on 2 (p = 0.25), Eyeglasses on 4 (p = 0.5), Smiling on none (p clamped to 0.01), Young on all (0.99).
    private static CaptionedImageSource Labelled()
    {
        using var scope = NewDisposeScope();
        var images = zeros(8, 3, 16, 16);
        var captions = Enumerable.Range(0, 8).Select(i => (IReadOnlyList<string>)new[] { $"face number {i}" }).ToList();
        var labels = Enumerable.Range(0, 8).Select(i => AttributeSet.Empty
            .With(CelebAAttribute.Male, i < 2)
            .With(CelebAAttribute.Eyeglasses, (i & 1) == 0)
            .With(CelebAAttribute.Young, true)).ToList();
        return new CaptionedImageSource(images, captions, seed: 4, labels);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void PositiveWeightsFollowTheAttributeFrequencies(double balance)
    {
        using var data = Labelled();
        using var weights = ProjectorTrainer.PositiveWeights(data, balance);
        Assert.Equal(new long[] { 1, CelebAAttributes.Count }, weights.shape);
        var w = weights.data<float>().ToArray();
        Assert.Equal(Math.Pow(3, balance), w[(int)CelebAAttribute.Male], 4);
        Assert.Equal(1.0, w[(int)CelebAAttribute.Eyeglasses], 4);
        Assert.Equal(Math.Pow(99, balance), w[(int)CelebAAttribute.Smiling], 3); // never present: clamped, not infinite
        Assert.Equal(Math.Pow(1 / 99.0, balance), w[(int)CelebAAttribute.Young], 4);
    }

    [Fact]
    public void MaskedLossWeighsOnlyThePresenceTerms()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 0.3f, -1.2f, 2.0f, 0.7f }, [2, 2]);
        var targets = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        var mask = ones(1, 2);
        var plain = AttributeClassifierTrainer.MaskedLoss(logits, targets, mask);
        var unit = AttributeClassifierTrainer.MaskedLoss(logits, targets, mask, ones(1, 2));
        TensorAssert.Close(plain, unit, 1e-6, 1e-6, "weight 1 is the plain binary cross-entropy");

        // Doubling attribute 0's presence weight adds exactly one more copy of its positive terms (row 0 only).
        var doubled = AttributeClassifierTrainer.MaskedLoss(logits, targets, mask, tensor(new float[] { 2, 1 }, [1, 2]));
        double positive00 = -Math.Log(1 / (1 + Math.Exp(-0.3)));
        Assert.Equal(plain.item<float>() + (positive00 / 4), doubled.item<float>(), 5);

        // A masked-out attribute contributes nothing, whatever its weight.
        var masked = AttributeClassifierTrainer.MaskedLoss(logits, targets, tensor(new float[] { 0, 1 }, [1, 2]), tensor(new float[] { 50, 1 }, [1, 2]));
        var maskedPlain = AttributeClassifierTrainer.MaskedLoss(logits, targets, tensor(new float[] { 0, 1 }, [1, 2]));
        TensorAssert.Close(maskedPlain, masked, 1e-6, 1e-6, "masked attribute");
    }

    [Fact]
    public void BalanceAndAugmentationChangeOnlyTheAttributeTermOfTheTrainer()
    {
        var (g, _) = ProjectorTrainerTests.Setup();
        using (g)
        using (var data = Labelled())
        using (var encoder = new HashTextEncoder(32))
        using (var critic = new AttributeClassifier(seed: 8, trainedAttributes: AttributeSet.Of(CelebAAttribute.Male, CelebAAttribute.Eyeglasses)))
        {
            var options = new ProjectorTrainingOptions { Batch = 8, Steps = 1, LearningRate = 3e-3, LatentWeight = 0, AttributeWeight = 1, LogEvery = 1, CheckpointEvery = 1000, Seed = 3 };
            (double L1, double Attribute) FirstStep(ProjectorTrainingOptions o)
            {
                string dir = Directory.CreateTempSubdirectory("t2f-balance").FullName;
                try
                {
                    using var projector = ProjectorTrainerTests.Projector(g);
                    using var trainer = new ProjectorTrainer(projector, g, encoder, data, dir, o, attributeCritic: critic);
                    TrainingProgress? first = null;
                    trainer.Train(new ProjectorTrainerTests.Progress(p => first ??= p));
                    return (first!.Losses["l1"], first.Losses["attribute"]);
                }
                finally
                {
                    Directory.Delete(dir, true);
                }
            }

            var plain = FirstStep(options);
            var balanced = FirstStep(options with { AttributeBalance = 1 });
            var augmented = FirstStep(options with { AttributeAugment = true });
            Assert.Equal(plain.L1, balanced.L1);
            Assert.Equal(plain.L1, augmented.L1);
            Assert.NotEqual(plain.Attribute, balanced.Attribute);
            Assert.NotEqual(plain.Attribute, augmented.Attribute);
            Assert.Equal(augmented, FirstStep(options with { AttributeAugment = true }));
        }
    }

    [Fact]
    public void TrainerRefusesABalanceOutOfRangeOrABalanceOrAugmentationWithoutAnAttributeTerm()
    {
        var (g, _) = ProjectorTrainerTests.Setup();
        using (g)
        using (var data = Labelled())
        using (var encoder = new HashTextEncoder(32))
        using (var projector = ProjectorTrainerTests.Projector(g))
        using (var critic = new AttributeClassifier(seed: 8, trainedAttributes: AttributeSet.Of(CelebAAttribute.Male)))
        {
            string dir = Path.Combine(Path.GetTempPath(), "t2f-never-" + Guid.NewGuid().ToString("N"));
            var options = new ProjectorTrainingOptions { Batch = 8, Steps = 1, AttributeWeight = 1, AttributeBalance = 1.5 };
            var range = Assert.Throws<ArgumentOutOfRangeException>(() => new ProjectorTrainer(projector, g, encoder, data, dir, options, attributeCritic: critic));
            Assert.Contains("AttributeBalance must be in [0, 1]", range.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => new ProjectorTrainer(projector, g, encoder, data, dir, options with { AttributeBalance = double.NaN }, attributeCritic: critic));
            var alone = Assert.Throws<ArgumentException>(() => new ProjectorTrainer(projector, g, encoder, data, dir, options with { AttributeWeight = 0, AttributeBalance = 0.5 }));
            Assert.Contains("no attribute term to change", alone.Message, StringComparison.Ordinal);
            var augmentAlone = Assert.Throws<ArgumentException>(() => new ProjectorTrainer(projector, g, encoder, data, dir, options with { AttributeWeight = 0, AttributeBalance = 0, AttributeAugment = true }));
            Assert.Contains("AttributeAugment (True)", augmentAlone.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(dir));
        }
    }
}
