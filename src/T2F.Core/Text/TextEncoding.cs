using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>Embeddings plus what the tokenizer did to each text (its ids, and whether it was truncated).</summary>
public sealed class TextEncoding : IDisposable
{
    /// <summary>Creates the result.</summary>
    /// <param name="embeddings"><c>[B, D]</c>.</param>
    /// <param name="tokens">One entry per text.</param>
    public TextEncoding(Tensor embeddings, IReadOnlyList<TokenizedText> tokens)
    {
        Embeddings = embeddings ?? throw new ArgumentNullException(nameof(embeddings));
        Tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
    }

    /// <summary>The embeddings <c>[B, D]</c>, float32; disposed with this object.</summary>
    public Tensor Embeddings { get; }

    /// <summary>The token ids of each text and whether it was truncated.</summary>
    public IReadOnlyList<TokenizedText> Tokens { get; }

    /// <summary>True when at least one text was truncated.</summary>
    public bool AnyTruncated => Tokens.Any(t => t.Truncated);

    /// <summary>Frees <see cref="Embeddings"/>.</summary>
    public void Dispose() => Embeddings.Dispose();
}
