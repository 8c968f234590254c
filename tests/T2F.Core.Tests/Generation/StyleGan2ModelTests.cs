using T2F.Core.Checkpoints;
using T2F.Core.Generation;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Generation;

/// <summary>Loading the reference's checkpoint files end to end and the inference API on top.</summary>
[Trait("Category", "Golden")]
public class StyleGan2ModelTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    private static string TrainCheckpoint => Path.Combine(G.Folder, "checkpoint.pt");

    private static string ConvertedCheckpoint => Path.Combine(G.Folder, "checkpoint_converted.pt");

    private static SynthesisOptions ExplicitNoise => new() { Noise = NoiseMode.Explicit, NoiseTensors = G.Noise() };

    [Theory]
    [InlineData("checkpoint.pt")]
    [InlineData("checkpoint_converted.pt")]
    public void ArchitectureIsReadFromTheWeights(string file)
    {
        var weights = StyleGan2Weights.Read(Path.Combine(G.Folder, file));
        var config = weights.InferGeneratorConfig();
        var expected = G.GeneratorConfig;
        Assert.Equal(expected.Size, config.Size);
        Assert.Equal(expected.StyleDim, config.StyleDim);
        Assert.Equal(expected.MappingLayers, config.MappingLayers);
        Assert.Equal(expected.LatentCount, config.LatentCount);
        Assert.Equal(expected.BlurTaps.Select(t => t / expected.BlurTaps.Sum()), config.BlurTaps.Select(t => t / config.BlurTaps.Sum()), new ToleranceComparer(1e-6));
        for (int r = 4; r <= expected.Size; r *= 2)
        {
            Assert.Equal(expected.Channels[r], config.Channels[r]);
        }
    }

    [Theory]
    [InlineData("checkpoint.pt")]
    [InlineData("checkpoint_converted.pt")]
    public void LoadedModelRendersTheGoldenImages(string file)
    {
        using var scope = NewDisposeScope();
        using var model = StyleGan2Model.Load(Path.Combine(G.Folder, file));
        var w = model.Map(G.Tensor("input.z"));
        TensorAssert.Close(G.Tensor("out.w"), w, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.w");
        TensorAssert.Close(G.Tensor("out.img"), model.Synthesize(w, ExplicitNoise), StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img");
        TensorAssert.Close(G.Tensor("out.img_const_noise"), model.Synthesize(w, new SynthesisOptions { Noise = NoiseMode.Constant }), StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_const_noise");
        var mix = model.Synthesize(w, ExplicitNoise with { MixLatents = model.Map(G.Tensor("input.z2")), InjectIndex = G.Case("style_mixing").GetProperty("params").GetProperty("inject_index").GetInt32() });
        TensorAssert.Close(G.Tensor("out.img_mix"), mix, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_mix");
    }

    [Fact]
    public void ACheckpointWithANaNWeightIsRefusedNamingTheTensor()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-nan").FullName;
        try
        {
            string path = Path.Combine(dir, "g.safetensors");
            using (var model = StyleGan2Model.Create(new GeneratorConfig(16, 16, 2, new Dictionary<int, int> { [4] = 16, [8] = 12, [16] = 8 }, 0.01f, StyleGan2Defaults.BlurTaps), seed: 1))
            {
                using (no_grad())
                {
                    model.Generator.named_parameters().First(p => p.name.EndsWith("conv.weight", StringComparison.Ordinal)).parameter[0, 0, 0, 0, 0] = float.NaN;
                }

                model.SaveSafeTensors(path);
            }

            var e = Assert.Throws<CheckpointFormatException>(() => StyleGan2Model.Load(path));
            Assert.Contains("conv.weight holds NaN", e.Message, StringComparison.Ordinal);
            Assert.Equal(1, T2F.Samples.StyleGan2.Program.Main(new[] { "--checkpoint", path, "--count", "1", "--out", Path.Combine(dir, "out") }));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ConvertedCheckpointCarriesLatentAvgUsedForTruncation()
    {
        using var scope = NewDisposeScope();
        using var model = StyleGan2Model.Load(ConvertedCheckpoint);
        Assert.True(model.HasMeanLatent);
        TensorAssert.Close(G.Tensor("out.mean_latent"), model.MeanLatent(), StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "latent_avg");
        float psi = G.Case("truncation").GetProperty("params").GetProperty("truncation").GetSingle();
        var image = model.Synthesize(model.Map(G.Tensor("input.z")), ExplicitNoise with { Truncation = psi });
        TensorAssert.Close(G.Tensor("out.img_trunc"), image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, "out.img_trunc");
    }

    [Fact]
    public void DiscriminatorLoadsFromTheTrainCheckpoint()
    {
        using var scope = NewDisposeScope();
        var weights = StyleGan2Weights.Read(TrainCheckpoint);
        Assert.Equal("g_ema", weights.GeneratorKey);
        using var d = new StyleGan2Discriminator(weights.InferDiscriminatorConfig());
        ModuleStateLoader.Load(d, weights.Discriminator!.ToTensors(), TrainCheckpoint);
        d.eval();
        TensorAssert.Close(G.Tensor("out.d_fake"), d.forward(G.Tensor("out.img")), StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.d_fake");
    }

    [Fact]
    public void SafeTensorsRoundTripGivesIdenticalImages()
    {
        using var scope = NewDisposeScope();
        string dir = Directory.CreateTempSubdirectory("t2f-sg2").FullName;
        try
        {
            using var model = StyleGan2Model.Load(ConvertedCheckpoint);
            string path = Path.Combine(dir, "g.safetensors");
            model.SaveSafeTensors(path);
            using var again = StyleGan2Model.Load(path);
            Assert.True(again.HasMeanLatent);
            var w = model.Map(G.Tensor("input.z"));
            TensorAssert.Close(model.Synthesize(w, ExplicitNoise), again.Synthesize(w, ExplicitNoise), 0, 0, "after safetensors round trip");
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void PyTorchRoundTripInConvertWeightLayoutGivesIdenticalImages()
    {
        using var scope = NewDisposeScope();
        string dir = Directory.CreateTempSubdirectory("t2f-sg2").FullName;
        try
        {
            using var model = StyleGan2Model.Load(TrainCheckpoint);
            _ = model.MeanLatent(64, seed: 1);
            string path = Path.Combine(dir, "converted.pt");
            model.SavePyTorch(path);
            var weights = StyleGan2Weights.Read(path);
            Assert.Equal("g_ema", weights.GeneratorKey);
            Assert.NotNull(weights.LatentAvg);
            using var again = StyleGan2Model.Load(path);
            var w = model.Map(G.Tensor("input.z"));
            TensorAssert.Close(model.Synthesize(w, ExplicitNoise), again.Synthesize(w, ExplicitNoise), 0, 0, "after .pt round trip");
            TensorAssert.Close(model.MeanLatent(), again.MeanLatent(), 0, 0, "latent_avg");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SeededGenerationIsDeterministic()
    {
        using var scope = NewDisposeScope();
        using var model = StyleGan2Model.Load(ConvertedCheckpoint);
        var a = model.Generate(2, seed: 5, truncation: 0.7f);
        var b = model.Generate(2, seed: 5, truncation: 0.7f);
        Assert.Equal(new long[] { 2, 3, G.Size, G.Size }, a.shape);
        TensorAssert.Close(a, b, 0, 0, "same seed");
        Assert.True(TensorAssert.MaxAbsDiff(a, model.Generate(2, seed: 6, truncation: 0.7f)) > 1e-3);
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        using var scope = NewDisposeScope();
        using var model = StyleGan2Model.Load(ConvertedCheckpoint);
        var nan = full(1, G.StyleDim, float.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => model.Synthesize(nan)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Synthesize(zeros(1, G.StyleDim), new SynthesisOptions { Truncation = 0f }));
        Assert.Throws<ArgumentException>(() => model.Synthesize(zeros(1, G.StyleDim + 3)));
        Assert.Throws<FileNotFoundException>(() => StyleGan2Model.Load(Path.Combine(G.Folder, "no-such-file.pt")));
    }

    [Fact]
    public void TruncatedCheckpointGivesAFormatError()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-sg2").FullName;
        try
        {
            string path = Path.Combine(dir, "cut.pt");
            var bytes = File.ReadAllBytes(TrainCheckpoint);
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length * 2 / 3).ToArray());
            var ex = Assert.ThrowsAny<CheckpointFormatException>(() => StyleGan2Model.Load(path));
            Assert.Contains("cut.pt", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void MismatchedArchitectureListsTheTensorsByName()
    {
        using var scope = NewDisposeScope();
        var config = G.GeneratorConfig;
        var wider = config with { Channels = config.Channels.ToDictionary(p => p.Key, p => p.Key == config.Size ? p.Value + 1 : p.Value) };
        using var g = new StyleGan2Generator(wider);
        var state = StyleGan2Weights.Read(TrainCheckpoint).Generator!.ToTensors();
        state.Remove("style.1.bias");
        state["extra.weight"] = zeros(1);
        var ex = Assert.Throws<StateDictMismatchException>(() => ModuleStateLoader.Load(g, state, "test"));
        Assert.Contains("style.1.bias", ex.Missing);
        Assert.Contains("extra.weight", ex.Unexpected);
        Assert.Contains(ex.Mismatched, m => m.StartsWith($"to_rgbs.{G.LatentCount / 2 - 2}.conv.weight", StringComparison.Ordinal));
    }

    [Fact]
    public void MemoryStaysFlatOverManyCalls()
    {
        using var model = StyleGan2Model.Load(ConvertedCheckpoint);
        using var z = model.SampleZ(1, 3);
        void Call()
        {
            using var w = model.Map(z);
            using var img = model.Synthesize(w, new SynthesisOptions { Truncation = 0.8f, Seed = 1 });
        }

        for (int i = 0; i < 20; i++)
        {
            Call();
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 1000; i++)
        {
            Call();
        }

        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after - before <= 0, $"live tensors grew from {before} to {after} over 1000 calls");
    }

    [Fact]
    public void SynthesisFreesEachLayersActivationsAsItGoes()
    {
        // Without gradients only the output may outlive the call: every layer's intermediates are freed when the
        // next layer has run (before, all of them lived until the caller's scope ended: 630 MB at 256x256).
        using var model = StyleGan2Model.Load(ConvertedCheckpoint);
        using var noGrad = no_grad();
        using var z = model.SampleZ(1, 3);
        using var w = model.Map(z);
        using var latent = w.unsqueeze(1).repeat(1, model.Generator.Config.LatentCount, 1);
        var noise = model.Generator.ConstantNoise();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = NewDisposeScope())
        {
            var image = model.Generator.Synthesize(latent, noise);
            Assert.True(scope.DisposablesCount == 1, $"{scope.DisposablesCount} tensors outlive the call; only the image should");
            Assert.True(image.isfinite().all().item<bool>());
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void SynthesizeLeavesTheCallersWPlusUsable()
    {
        // The reference forward used a w+ input as its output latent, so disposing the output disposed the caller's
        // tensor ("Tensor invalid -- empty handle" at its next use).
        using var model = StyleGan2Model.Load(ConvertedCheckpoint);
        using var z = model.SampleZ(2, 3);
        using var w = model.Map(z);
        using var wPlus = w.unsqueeze(1).repeat(1, model.LatentCount, 1);
        using (var first = model.Synthesize(wPlus, new SynthesisOptions { Noise = NoiseMode.Constant }))
        using (var again = model.Synthesize(wPlus, new SynthesisOptions { Noise = NoiseMode.Constant }))
        {
            Assert.True(first.allclose(again, rtol: 0, atol: 0));
        }

        Assert.Equal(new long[] { 2, model.LatentCount, model.StyleSize }, wPlus.shape);
    }

    [Fact]
    public void GradientsReachLatentsThatAskForThemAndNeverTheFrozenWeights()
    {
        using var model = StyleGan2Model.Load(ConvertedCheckpoint);
        using var scope = NewDisposeScope();
        var w = model.Map(model.SampleZ(1, 3)).unsqueeze(1).repeat(1, model.LatentCount, 1).requires_grad_(true);
        var image = model.Synthesize(w, new SynthesisOptions { Noise = NoiseMode.Constant });
        Assert.True(image.requires_grad, "Synthesize dropped the graph of latents that require gradients (a projector could not train through it)");
        image.square().mean().backward();
        Assert.NotNull(w.grad);
        Assert.True(w.grad!.abs().sum().item<float>() > 0, "no gradient reached the latents");
        Assert.All(model.Generator.parameters(), p => Assert.False(p.requires_grad || p.grad is not null, "a generator weight takes part in autograd"));
        using var noGrad = model.Synthesize(w.detach(), new SynthesisOptions { Noise = NoiseMode.Constant });
        Assert.False(noGrad.requires_grad, "rendering latents without gradients recorded a graph");
    }

    [Fact]
    public void ModelOutlivesTheCallersDisposeScope()
    {
        StyleGan2Model model;
        using (var scope = NewDisposeScope())
        {
            model = StyleGan2Model.Load(ConvertedCheckpoint);
            _ = model.MeanLatent();
        }

        using (model)
        using (var scope = NewDisposeScope())
        {
            var image = model.Synthesize(model.Map(G.Tensor("input.z")), ExplicitNoise with { Truncation = 0.5f });
            Assert.True(image.isfinite().all().item<bool>());
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
