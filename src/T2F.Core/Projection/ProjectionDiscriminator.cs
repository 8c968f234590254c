using T2F.Core.Generation;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Projection;

/// <summary>
/// A text-conditioned discriminator (projection discriminator, Miyato &amp; Koyama 2018) for the projector's optional
/// adversarial term: logit = d(features(image)) + &lt;features(image), embed(text)&gt;, so that a description can give
/// many faces as long as each matches it. The trunk is a StyleGAN2 discriminator (<c>d</c>); <c>embed</c> maps the
/// text embedding to the feature size.
/// </summary>
public sealed class ProjectionDiscriminator : Module<Tensor, Tensor, Tensor>
{
    private readonly StyleGan2Discriminator d;
    private readonly EqualLinear embed;

    /// <summary>Creates the discriminator.</summary>
    /// <param name="config">Trunk architecture (resolution must match the generator).</param>
    /// <param name="embeddingSize">Text embedding size.</param>
    public ProjectionDiscriminator(DiscriminatorConfig config, int embeddingSize)
        : base(nameof(ProjectionDiscriminator))
    {
        ArgumentNullException.ThrowIfNull(config);
        d = new StyleGan2Discriminator(config);
        embed = new EqualLinear(embeddingSize, config.Channels[4]);
        EmbeddingSize = embeddingSize;
        register_module("d", d);
        register_module("embed", embed);
        foreach (var p in parameters())
        {
            p.DetachFromDisposeScope();
        }

        foreach (var b in buffers())
        {
            b.DetachFromDisposeScope();
        }
    }

    /// <summary>Text embedding size.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Logits [B, 1] for images [B, 3, R, R] and their text embeddings [B, EmbeddingSize].</summary>
    /// <param name="images">Images in [-1, 1].</param>
    /// <param name="textEmbedding">Text embeddings.</param>
    public override Tensor forward(Tensor images, Tensor textEmbedding)
    {
        if (textEmbedding.dim() != 2 || textEmbedding.shape[1] != EmbeddingSize || textEmbedding.shape[0] != images.shape[0])
        {
            throw new ArgumentException($"Text embeddings must be [{images.shape[0]}, {EmbeddingSize}]; got [{string.Join(", ", textEmbedding.shape)}].", nameof(textEmbedding));
        }

        var features = d.Features(images);
        return d.Logit(features) + (features * embed.forward(textEmbedding)).sum(1, keepdim: true);
    }
}
