using T2F.Core.Data;
using T2F.Core.Generation;
using T2F.Core.Metrics.Attributes;
using T2F.Core.Projection;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Training;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Training;

// Serial: the trainer seeds torch's global generator before building modules and dropout draws from it during steps; runs are compared bit for bit.
[Collection(ProcessWideStateCollection.Name)]
public class ProjectorTrainerTests
{
    private static readonly Dictionary<int, int> Channels = new() { [4] = 16, [8] = 12, [16] = 8 };

    private static readonly GeneratorConfig Config = new(16, 16, 2, Channels, 0.01f, StyleGan2Defaults.BlurTaps);

    internal static (StyleGan2Model G, CaptionedImageSource Data) Setup()
    {
        using var scope = NewDisposeScope();
        var g = StyleGan2Model.Create(Config, seed: 21);
        // Targets the generator can reach: 8 faces rendered from random w, two captions each.
        var images = g.Synthesize(g.Map(randn(8, 16)), new SynthesisOptions { Noise = NoiseMode.Constant });

        var captions = Enumerable.Range(0, 8).Select(i => (IReadOnlyList<string>)new[] { $"face number {i}", $"the person {i}" }).ToList();
        return (g, new CaptionedImageSource(images, captions, seed: 4));
    }

    internal static MlpLatentProjector Projector(StyleGan2Model g)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var noGrad = no_grad();
        var mean = g.Generator.MeanLatent(randn(256, 16));
        return new MlpLatentProjector(new LatentProjectorConfig(32, 16, g.LatentCount, LatentSpace.WPlus, HiddenSize: 64, Depth: 2), mean);
    }

    [Fact]
    public void ReconstructionLossApproachesZeroOnEightPairs()
    {
        var (g, data) = Setup();
        using (g)
        using (data)
        using (var encoder = new HashTextEncoder(32))
        using (var projector = Projector(g))
        {
            string dir = Directory.CreateTempSubdirectory("t2f-proj").FullName;
            try
            {
                using var trainer = new ProjectorTrainer(projector, g, encoder, data, dir, new ProjectorTrainingOptions { Batch = 8, Steps = 800, LearningRate = 3e-3, LatentWeight = 0, L1Weight = 1, L2Weight = 1, CheckpointEvery = 1000, LogEvery = 50, Seed = 2 });
                double before = trainer.Evaluate(0, 8);
                trainer.Train();
                double after = trainer.Evaluate(0, 8);
                Assert.True(after < before * 0.1, $"pixel L1 {before:F4} -> {after:F4}: the projector did not learn (gradients must flow text -> projector -> generator)");
                Assert.True(after < 0.05, $"pixel L1 {before:F4} -> {after:F4} should be near zero on 8 reachable targets");
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Fact]
    public void ResumedTrainingIsBitIdentical()
    {
        var (g, data) = Setup();
        using (g)
        using (data)
        using (var encoder = new HashTextEncoder(32))
        {
            string a = Directory.CreateTempSubdirectory("t2f-proj").FullName;
            string b = Directory.CreateTempSubdirectory("t2f-proj").FullName;
            try
            {
                var options = new ProjectorTrainingOptions { Batch = 4, Steps = 6, CheckpointEvery = 1000, LogEvery = 1, Seed = 9, SampleEvery = 3 };
                using var p1 = Projector(g);
                using (var t = new ProjectorTrainer(p1, g, encoder, data, a, options))
                {
                    t.Train();
                }

                using var p2 = Projector(g);
                using (var t = new ProjectorTrainer(p2, g, encoder, data, b, options with { Steps = 3 }))
                {
                    t.Train();
                }

                using var p3 = Projector(g);
                using (var t = new ProjectorTrainer(p3, g, encoder, data, b, options))
                {
                    Assert.Equal(3, t.Step);
                    t.Train();
                }

                Assert.True(File.Exists(Path.Combine(a, "samples", "step0000006.png")));
                Assert.Equal(4, File.ReadAllLines(Path.Combine(a, "samples", "descriptions.txt")).Length);
                foreach (var (key, value) in p1.state_dict())
                {
                    TensorAssert.Close(value, p3.state_dict()[key], 0, 0, key);
                }
            }
            finally
            {
                Directory.Delete(a, true);
                Directory.Delete(b, true);
            }
        }
    }

    [Fact]
    public void AdversarialTermTrainsAndResumesBitIdentically()
    {
        var (g, data) = Setup();
        using (g)
        using (data)
        using (var encoder = new HashTextEncoder(32))
        {
            string a = Directory.CreateTempSubdirectory("t2f-proj").FullName;
            string b = Directory.CreateTempSubdirectory("t2f-proj").FullName;
            try
            {
                var options = new ProjectorTrainingOptions { Batch = 4, Steps = 4, CheckpointEvery = 1000, LogEvery = 1, Seed = 5, AdversarialWeight = 0.1, AdversarialDiscriminator = new DiscriminatorConfig(16, Channels, StyleGan2Defaults.BlurTaps) };
                var reports = new List<TrainingProgress>();
                using var p1 = Projector(g);
                using (var t = new ProjectorTrainer(p1, g, encoder, data, a, options))
                {
                    t.Train(new Progress(reports.Add));
                }

                Assert.All(reports, r => Assert.True(r.Losses["d_loss"] > 0 && double.IsFinite(r.Losses["adversarial"])));
                Assert.Contains(T2F.Core.Checkpoints.SafeTensorsFile.Read(Path.Combine(a, ProjectorTrainer.CheckpointFile)).Tensors.Keys, k => k.StartsWith("disc.d.", StringComparison.Ordinal));

                using var p2 = Projector(g);
                using (var t = new ProjectorTrainer(p2, g, encoder, data, b, options with { Steps = 2 }))
                {
                    t.Train();
                }

                using var p3 = Projector(g);
                using (var t = new ProjectorTrainer(p3, g, encoder, data, b, options))
                {
                    t.Train();
                }

                foreach (var (key, value) in p1.state_dict())
                {
                    TensorAssert.Close(value, p3.state_dict()[key], 0, 0, key);
                }

                using var p4 = Projector(g);
                Assert.Throws<ArgumentException>(() => new ProjectorTrainer(p4, g, encoder, data, b, options with { AdversarialWeight = 0 }));
            }
            finally
            {
                Directory.Delete(a, true);
                Directory.Delete(b, true);
            }
        }
    }

    [Fact]
    public void AttributeTermPullsTheCriticTowardsTheLabelsFromItsStartStepAndResumesBitIdentically()
    {
        var (g, plain) = Setup();
        using (g)
        using (plain)
        using (var encoder = new HashTextEncoder(32))
        using (var critic = new AttributeClassifier(seed: 8, trainedAttributes: AttributeSet.Of(CelebAAttribute.Male, CelebAAttribute.Smiling, CelebAAttribute.Eyeglasses)))
        {
            using var images = plain.GetBatch(0, 8).Images;
            var captions = Enumerable.Range(0, 8).Select(i => (IReadOnlyList<string>)new[] { $"face number {i}" }).ToList();
            var labels = Enumerable.Range(0, 8).Select(i => AttributeSet.Empty.With(CelebAAttribute.Male, (i & 1) != 0).With(CelebAAttribute.Smiling, (i & 2) != 0).With(CelebAAttribute.Eyeglasses, (i & 4) != 0)).ToList();
            using var data = new CaptionedImageSource(images, captions, seed: 4, labels);
            var criticBefore = critic.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
            string a = Directory.CreateTempSubdirectory("t2f-proj").FullName;
            string b = Directory.CreateTempSubdirectory("t2f-proj").FullName;
            try
            {
                // Only the attribute term: the projector must learn to make the critic say what the labels say.
                var options = new ProjectorTrainingOptions { Batch = 8, Steps = 150, LearningRate = 3e-3, L1Weight = 0, LatentWeight = 0, AttributeWeight = 1, AttributeStartStep = 2, LogEvery = 1, CheckpointEvery = 1000, Seed = 3 };
                var reports = new List<TrainingProgress>();
                using var p1 = Projector(g);
                using (var t = new ProjectorTrainer(p1, g, encoder, data, a, options, attributeCritic: critic))
                {
                    t.Train(new Progress(reports.Add));
                }

                Assert.Equal(0, reports[0].Losses["attribute"]); // steps before AttributeStartStep train without it
                Assert.Equal(0, reports[1].Losses["attribute"]);
                double first = reports[2].Losses["attribute"], last = reports[^1].Losses["attribute"];
                Assert.True(last < first * 0.5, $"attribute BCE {first:F4} -> {last:F4}: gradients must flow critic -> generator -> projector");
                foreach (var (key, value) in critic.state_dict())
                {
                    TensorAssert.Close(criticBefore[key], value, 0, 0, "the critic is frozen: " + key);
                }

                Assert.Contains(",attribute,", File.ReadLines(Path.Combine(a, "projector-losses.csv")).First());

                using var p2 = Projector(g);
                using (var t = new ProjectorTrainer(p2, g, encoder, data, b, options with { Steps = 4 }, attributeCritic: critic))
                {
                    t.Train();
                }

                using var p3 = Projector(g);
                using (var t = new ProjectorTrainer(p3, g, encoder, data, b, options with { Steps = 6 }, attributeCritic: critic))
                {
                    t.Train();
                }

                using var p4 = Projector(g);
                using (var t = new ProjectorTrainer(p4, g, encoder, data, a + "-straight", options with { Steps = 6 }, attributeCritic: critic))
                {
                    t.Train();
                }

                foreach (var (key, value) in p4.state_dict())
                {
                    TensorAssert.Close(value, p3.state_dict()[key], 0, 0, key);
                }

                using var p5 = Projector(g);
                Assert.Contains("no attribute classifier", Assert.Throws<ArgumentException>(() => new ProjectorTrainer(p5, g, encoder, data, b, options)).Message, StringComparison.Ordinal);
                Assert.Contains("no attribute labels", Assert.Throws<ArgumentException>(() => new ProjectorTrainer(p5, g, encoder, plain, b, options, attributeCritic: critic)).Message, StringComparison.Ordinal);
            }
            finally
            {
                Directory.Delete(a, true);
                Directory.Delete(b, true);
                if (Directory.Exists(a + "-straight"))
                {
                    Directory.Delete(a + "-straight", true);
                }

                foreach (var t in criticBefore.Values)
                {
                    t.Dispose();
                }
            }
        }
    }

    internal sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void MismatchedEncoderIsRejected()
    {
        var (g, data) = Setup();
        using (g)
        using (data)
        using (var encoder = new HashTextEncoder(48))
        using (var projector = Projector(g))
        {
            var ex = Assert.Throws<ArgumentException>(() => new ProjectorTrainer(projector, g, encoder, data, Path.Combine(Path.GetTempPath(), "t2f-never"), null));
            Assert.Contains("48", ex.Message);
        }
    }
}
