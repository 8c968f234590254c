namespace T2F.Core.Text;

/// <summary>How <see cref="BertTextEncoder"/> turns token vectors into sentence embeddings.</summary>
public sealed record BertTextEncoderOptions
{
    /// <summary>The pooling; default mean over the attention mask (sentence-transformers).</summary>
    public TextPooling Pooling { get; init; } = TextPooling.Mean;

    /// <summary>Divide each embedding by its L2 norm (<c>max(‖x‖, 1e-12)</c>); default true.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>
    /// Most tokens per text, [CLS] and [SEP] included; longer texts are truncated (reported, see
    /// <see cref="BertTextEncoder.Truncated"/> and <see cref="TextEncoding.Tokens"/>). Null: the model's
    /// <see cref="BertConfig.MaxPositionEmbeddings"/>. all-MiniLM-L6-v2 uses 256, as sentence-transformers does.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>Most texts run through the model at once; larger lists are split (bounds memory). Default 64.</summary>
    public int MaxBatchSize { get; init; } = 64;
}
