using static TorchSharp.torch;

namespace T2F.Core.Projection;

/// <summary>Maps text embeddings (plus optional noise, for diversity) into a generator's latent space.</summary>
public interface ILatentProjector : IDisposable
{
    /// <summary>The space the output lives in.</summary>
    LatentSpace Space { get; }

    /// <summary>Size of the text embedding it takes.</summary>
    int EmbeddingSize { get; }

    /// <summary>Size of one style vector of its output (z / w size of the generator it was made for).</summary>
    int StyleSize { get; }

    /// <summary>Per-layer styles of a <see cref="LatentSpace.WPlus"/> output (the generator's latent count); 1 for z and w.</summary>
    int LatentCount { get; }

    /// <summary>Size of the noise vector it takes (0: none).</summary>
    int NoiseSize { get; }

    /// <summary>[B, EmbeddingSize] (+ noise [B, NoiseSize]) -> z or w [B, style], or w+ [B, n_latent, style].</summary>
    /// <param name="textEmbedding">Text embeddings.</param>
    /// <param name="noise">Noise; null uses zeros (the projector's most typical face for the text).</param>
    Tensor Project(Tensor textEmbedding, Tensor? noise = null);
}
