using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>
/// BERT's input embeddings: word + absolute position + token type, then LayerNorm (Hugging Face
/// <c>BertEmbeddings</c>; dropout is left out because this module is used for inference).
/// </summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    // The field's name is the Hugging Face state-dict key ("...output.LayerNorm.weight"): TorchSharp also registers
    // submodules under their field names, so a camelCase field would add a second, unmatched key.
#pragma warning disable IDE1006
    private readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006

    /// <summary>Creates the embeddings (random initialisation, to be overwritten by a checkpoint).</summary>
    /// <param name="config">Sizes.</param>
    public BertEmbeddings(BertConfig config)
        : base(nameof(BertEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module("word_embeddings", word_embeddings);
        register_module("position_embeddings", position_embeddings);
        register_module("token_type_embeddings", token_type_embeddings);
        register_module("LayerNorm", LayerNorm);
    }

    /// <summary>The sizes.</summary>
    public BertConfig Config { get; }

    /// <summary>Embeds token ids.</summary>
    /// <param name="inputIds">Token ids <c>[B, T]</c>, int64, T at most <see cref="BertConfig.MaxPositionEmbeddings"/>.</param>
    /// <param name="tokenTypeIds">Segment ids <c>[B, T]</c>, int64.</param>
    /// <returns><c>[B, T, hidden]</c>.</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        long length = inputIds.shape[1];
        using var positions = torch.arange(length, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0); // [1, T]
        using var words = word_embeddings.forward(inputIds);                                                     // [B, T, H]
        using var types = token_type_embeddings.forward(tokenTypeIds);                                            // [B, T, H]
        using var place = position_embeddings.forward(positions);                                                // [1, T, H]
        using var sum = words.add_(types).add_(place);
        return LayerNorm.forward(sum);
    }

    /// <inheritdoc />
    public override string ToString() => $"BertEmbeddings(vocab={Config.VocabSize}, positions={Config.MaxPositionEmbeddings}, types={Config.TypeVocabSize}, hidden={Config.HiddenSize})";
}
