using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;

namespace T2F.Core.Tests.TestSupport;

/// <summary>
/// A 16x16 text-to-face pipeline with random weights and the hash encoder: fast enough for thousands of calls. Its
/// generator's mean latent is not computed yet (the first truncated call computes it).
/// </summary>
public static class TinyPipeline
{
    public static GeneratorConfig GeneratorConfig => new(16, 16, 2, new Dictionary<int, int> { [4] = 16, [8] = 12, [16] = 8 }, 0.01f, StyleGan2Defaults.BlurTaps);

    public static TextToFacePipeline Create(long seed = 3, int hidden = 32, int noise = 4)
    {
        var generator = StyleGan2Model.Create(GeneratorConfig, seed);
        var projector = new MlpLatentProjector(new LatentProjectorConfig(32, 16, generator.LatentCount, LatentSpace.WPlus, hidden, 2, noise));
        return new TextToFacePipeline(new HashTextEncoder(32), projector, generator, "hash-32", ownsEncoder: true);
    }
}
