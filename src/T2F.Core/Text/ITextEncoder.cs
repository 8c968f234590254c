using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>
/// Turns texts into fixed-size embeddings (the first stage of text-to-face generation). Implementations hold a
/// TorchSharp model and must be disposed.
/// </summary>
public interface ITextEncoder : IDisposable
{
    /// <summary>The size of one embedding (384 for all-MiniLM-L6-v2, 768 for bert-base).</summary>
    int EmbeddingSize { get; }

    /// <summary>Encodes a batch of texts.</summary>
    /// <param name="texts">The texts; none may be null. An empty list gives a <c>[0, EmbeddingSize]</c> tensor.</param>
    /// <returns><c>[texts.Count, EmbeddingSize]</c>, float32, on the model's device, owned by the caller (it joins the
    /// caller's dispose scope, if any).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its items is null.</exception>
    Tensor Encode(IReadOnlyList<string> texts);
}
