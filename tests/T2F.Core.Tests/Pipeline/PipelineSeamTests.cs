using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Pipeline;

/// <summary>
/// The pipeline composes the three public interfaces, not the built-in classes: a projector and a generator written
/// here (no TorchSharp module, no StyleGAN2) plug in and every pipeline operation runs through them.
/// </summary>
public class PipelineSeamTests
{
    private const int Style = 4;
    private const int Latents = 3;

    // w+ = the embedding's first Style values on every layer, plus the noise on layer 0.
    private sealed class SlicingProjector : ILatentProjector
    {
        public LatentSpace Space => LatentSpace.WPlus;

        public int EmbeddingSize => 8;

        public int StyleSize => Style;

        public int LatentCount => Latents;

        public int NoiseSize => Style;

        public int Calls { get; private set; }

        public Tensor Project(Tensor textEmbedding, Tensor? noise = null)
        {
            Calls++;
            var w = textEmbedding.narrow(1, 0, Style).unsqueeze(1).repeat(1, Latents, 1);
            if (noise is not null)
            {
                w[.., 0] += noise;
            }

            return w;
        }

        public void Dispose()
        {
        }
    }

    // An image whose pixels all equal the mean of the w+ latent (so what the pipeline passed can be read back).
    private sealed class MeanColourGenerator : IStyleGenerator
    {
        public int Resolution => 2;

        public int StyleSize => Style;

        public int LatentCount => Latents;

        public Tensor Map(Tensor z) => z.clone();

        public Tensor Synthesize(Tensor latents, SynthesisOptions? options = null)
            => latents.mean(new long[] { 1, 2 }).view(-1, 1, 1, 1).expand(-1, 3, Resolution, Resolution).contiguous();

        public void Dispose()
        {
        }
    }

    [Fact]
    public void AnyProjectorGeneratorAndEncoderPlugIn()
    {
        using var scope = NewDisposeScope();
        var projector = new SlicingProjector();
        using var pipeline = new TextToFacePipeline(new HashTextEncoder(8), projector, new MeanColourGenerator(), "hash-8", ownsEncoder: true);
        var faces = pipeline.Generate("a face", new GenerationOptions { FacesPerDescription = 2, Seed = 1 });
        Assert.Equal(2, faces.Count);
        Assert.Equal(new long[] { 3, 2, 2 }, faces[0].Image.shape);
        Assert.True((faces[0].Image - faces[1].Image).abs().max().item<float>() > 0, "the two faces get different projector noise");
        Assert.True(projector.Calls > 0);

        Assert.Equal(Latents, pipeline.Generator.LatentCount);
        Assert.Equal(2, pipeline.Edit("a face", "a face with glasses").Count);
        Assert.Equal(3, pipeline.Interpolate("a face", "another face", 3).Count);
        Assert.Single(pipeline.Mix("a face", "another face", crossover: 1));
        var error = Assert.Throws<NotSupportedException>(() => pipeline.Save(Path.Combine(Path.GetTempPath(), "never-written")));
        Assert.Contains(nameof(SlicingProjector), error.Message);
    }

    [Fact]
    public void AProjectorThatDoesNotFitTheGeneratorIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TextToFacePipeline(new HashTextEncoder(8), new SlicingProjector(), new WrongStyleGenerator(), "hash-8"));
        Assert.Contains("does not fit the generator", error.Message);
    }

    private sealed class WrongStyleGenerator : IStyleGenerator
    {
        public int Resolution => 2;

        public int StyleSize => Style + 1;

        public int LatentCount => Latents;

        public Tensor Map(Tensor z) => z.clone();

        public Tensor Synthesize(Tensor latents, SynthesisOptions? options = null) => zeros(latents.shape[0], 3, 2, 2);

        public void Dispose()
        {
        }
    }
}
