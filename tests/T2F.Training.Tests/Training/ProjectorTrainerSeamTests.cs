using T2F.Core.Generation;
using T2F.Core.Projection;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Training;

/// <summary>
/// ProjectorTrainer takes the public interfaces, not the built-in classes: a generator that only forwards
/// <see cref="IStyleGenerator"/> calls trains the same projector bit for bit, and a projector of another kind (a
/// TorchSharp module, not <see cref="MlpLatentProjector"/>) trains, checkpoints and resumes.
/// </summary>
// Serial: the trainer and the set-up seed torch's global generator; runs are compared bit for bit.
[Collection(ProcessWideStateCollection.Name)]
public class ProjectorTrainerSeamTests
{
    // w+ straight from the embedding by one linear layer: no noise input, no mean latent.
    private sealed class LinearProjector : nn.Module<Tensor, Tensor?, Tensor>, ILatentProjector
    {
        private readonly Linear head;

        public LinearProjector(int embeddingSize, int styleSize, int latentCount) : base(nameof(LinearProjector))
        {
            (EmbeddingSize, StyleSize, LatentCount) = (embeddingSize, styleSize, latentCount);
            head = nn.Linear(embeddingSize, styleSize * latentCount);
            RegisterComponents();
        }

        public LatentSpace Space => LatentSpace.WPlus;

        public int EmbeddingSize { get; }

        public int StyleSize { get; }

        public int LatentCount { get; }

        public int NoiseSize => 0;

        public Tensor Project(Tensor textEmbedding, Tensor? noise = null) => forward(textEmbedding, noise);

        public override Tensor forward(Tensor textEmbedding, Tensor? noise) => head.forward(textEmbedding).view(-1, LatentCount, StyleSize);
    }

    // Any IStyleGenerator other than StyleGan2Model: forwards to one and owns nothing.
    private sealed class ForwardingGenerator(StyleGan2Model inner) : IStyleGenerator
    {
        public int Calls { get; private set; }

        public int Resolution => inner.Resolution;

        public int StyleSize => inner.StyleSize;

        public int LatentCount => inner.LatentCount;

        public Tensor Map(Tensor z) => inner.Map(z);

        public Tensor Synthesize(Tensor latents, SynthesisOptions? options = null)
        {
            Calls++;
            return inner.Synthesize(latents, options);
        }

        public void Dispose()
        {
        }
    }

    // Neither a module nor trainable: nothing for the optimiser.
    private sealed class ConstantProjector : ILatentProjector
    {
        public LatentSpace Space => LatentSpace.W;

        public int EmbeddingSize => 32;

        public int StyleSize => 16;

        public int LatentCount => 1;

        public int NoiseSize => 0;

        public Tensor Project(Tensor textEmbedding, Tensor? noise = null) => zeros(textEmbedding.shape[0], 16);

        public void Dispose()
        {
        }
    }

    private static readonly ProjectorTrainingOptions Options = new() { Batch = 4, Steps = 6, CheckpointEvery = 1000, LogEvery = 1, Seed = 9 };

    [Fact]
    public void AGeneratorThatOnlyForwardsTheInterfaceTrainsTheSameProjectorBitForBit()
    {
        var (g, data) = ProjectorTrainerTests.Setup();
        using (g)
        using (data)
        using (var encoder = new HashTextEncoder(32))
        using (var direct = ProjectorTrainerTests.Projector(g))
        using (var forwarded = ProjectorTrainerTests.Projector(g))
        using (var initial = ProjectorTrainerTests.Projector(g))
        using (var wrapper = new ForwardingGenerator(g))
        {
            string a = Directory.CreateTempSubdirectory("t2f-seam").FullName;
            string b = Directory.CreateTempSubdirectory("t2f-seam").FullName;
            try
            {
                using (var t = new ProjectorTrainer(direct, g, encoder, data, a, Options))
                {
                    t.Train();
                }

                using (var t = new ProjectorTrainer(forwarded, wrapper, encoder, data, b, Options))
                {
                    t.Train();
                }

                Assert.True(wrapper.Calls >= Options.Steps, $"{wrapper.Calls} Synthesize calls for {Options.Steps} steps: the trainer did not render through the generator it was given");
                var trained = forwarded.state_dict();
                var untrained = initial.state_dict();
                bool moved = false;
                foreach (var (name, tensor) in direct.state_dict())
                {
                    Assert.True(tensor.allclose(trained[name], rtol: 0, atol: 0), $"{name} differs between training through StyleGan2Model and through a forwarding IStyleGenerator");
                    moved |= !tensor.allclose(untrained[name], rtol: 0, atol: 0);
                }

                Assert.True(moved, "the projector's weights did not change in training: the comparison proves nothing");
            }
            finally
            {
                Directory.Delete(a, true);
                Directory.Delete(b, true);
            }
        }
    }

    [Fact]
    public void AProjectorOfAnotherKindLearnsCheckpointsAndResumes()
    {
        var (g, data) = ProjectorTrainerTests.Setup();
        using (g)
        using (data)
        using (var encoder = new HashTextEncoder(32))
        {
            string dir = Directory.CreateTempSubdirectory("t2f-seam").FullName;
            try
            {
                // No w_avg buffer, so no latent regulariser.
                var options = new ProjectorTrainingOptions { Batch = 8, Steps = 300, LearningRate = 3e-3, LatentWeight = 0, L1Weight = 1, L2Weight = 1, CheckpointEvery = 300, LogEvery = 50, Seed = 2 };
                manual_seed(5);
                using var projector = new LinearProjector(32, g.StyleSize, g.LatentCount);
                double before, after;
                using (var trainer = new ProjectorTrainer(projector, g, encoder, data, dir, options))
                {
                    before = trainer.Evaluate(0, 8);
                    trainer.Train();
                    after = trainer.Evaluate(0, 8);
                }

                Assert.True(after < before * 0.5, $"pixel L1 {before:F4} -> {after:F4}: a LinearProjector did not learn through the trainer");

                manual_seed(6);
                using var again = new LinearProjector(32, g.StyleSize, g.LatentCount);
                using (var resumed = new ProjectorTrainer(again, g, encoder, data, dir, options with { Steps = 310 }))
                {
                    Assert.Equal(300, resumed.Step);
                    foreach (var (name, tensor) in projector.state_dict())
                    {
                        Assert.True(tensor.allclose(again.state_dict()[name], rtol: 0, atol: 0), $"{name} was not restored from the checkpoint");
                    }
                }

                // A checkpoint of one kind of projector is refused by another with the same sizes.
                using var mlp = ProjectorTrainerTests.Projector(g);
                var refused = Assert.Throws<ArgumentException>(() => new ProjectorTrainer(mlp, g, encoder, data, dir, options));
                Assert.Contains("LinearProjector", refused.Message, StringComparison.Ordinal);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Fact]
    public void ProjectorsTheTrainerCannotTrainAreRefusedWithTheFix()
    {
        var (g, data) = ProjectorTrainerTests.Setup();
        using (g)
        using (data)
        using (var encoder = new HashTextEncoder(32))
        using (var constant = new ConstantProjector())
        using (var linear = new LinearProjector(32, g.StyleSize, g.LatentCount))
        {
            string never = Path.Combine(Path.GetTempPath(), "t2f-never");
            var notModule = Assert.Throws<ArgumentException>(() => new ProjectorTrainer(constant, g, encoder, data, never, Options));
            Assert.Contains("not a TorchSharp Module", notModule.Message, StringComparison.Ordinal);
            var noMean = Assert.Throws<ArgumentException>(() => new ProjectorTrainer(linear, g, encoder, data, never, Options with { LatentWeight = 1e-3 }));
            Assert.Contains("w_avg", noMean.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(never), "a refused trainer created its run folder");
        }
    }
}
