using T2F.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using T2F.Core.Torch;

namespace T2F.Core.Text;

/// <summary>
/// A BERT encoder as TorchSharp modules, with Hugging Face <c>BertModel</c>'s module and parameter names
/// (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.N.attention.self.query.weight</c>, ...,
/// <c>pooler.dense.weight</c>), so loading a checkpoint is a name match. Inference only: no dropout.
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    // Hugging Face's extended attention mask: (1 - mask) * -10000 in the exported graphs of this era
    // (later versions use the dtype's minimum; after softmax both give exactly 0 for padding in float32).
    private const double MaskedValue = -10000.0;

    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    /// <summary>Creates a model with random weights (load a checkpoint with <see cref="LoadWeights"/>).</summary>
    /// <param name="config">The architecture (validated).</param>
    /// <param name="addPoolingLayer">Whether the model has the pooler (<c>pooler.dense.*</c>).</param>
    /// <exception cref="ArgumentException">The configuration is not valid.</exception>
    public BertModel(BertConfig config, bool addPoolingLayer = true)
        : base(nameof(BertModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        register_module("embeddings", embeddings);
        register_module("encoder", encoder);
        if (addPoolingLayer)
        {
            pooler = new BertPooler(config);
            register_module("pooler", pooler);
        }

        // Weights belong to the model, not to whatever dispose scope the caller built it in.
        ModuleLifetime.DetachFromDisposeScopes(this);
        eval();
    }

    /// <summary>The architecture.</summary>
    public BertConfig Config { get; }

    /// <summary>True when the model has the pooler.</summary>
    public bool HasPooler => pooler is not null;

    /// <summary>The embeddings.</summary>
    internal BertEmbeddings Embeddings => embeddings;

    /// <summary>The encoder layers.</summary>
    internal BertEncoder Encoder => encoder;

    /// <summary>
    /// Copies weights named as Hugging Face's <c>BertModel</c> state dict (no <c>bert.</c> prefix; see
    /// <see cref="BertWeights.ToBertModelNames"/> and <see cref="BertWeights.FromOnnx"/>) into the model, after checking every name and shape.
    /// </summary>
    /// <param name="weights">Tensors by name; float16/bfloat16/float64 are converted to float32.</param>
    /// <param name="sourceName">Used in error messages (file name).</param>
    /// <exception cref="StateDictMismatchException">Tensors are missing, unexpected or mis-shaped; all are listed.</exception>
    public void LoadWeights(IReadOnlyDictionary<string, TensorData> weights, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ModuleStateLoader.Load(this, weights, sourceName);
    }

    /// <summary>Encodes a padded batch of token ids.</summary>
    /// <param name="inputIds">Token ids <c>[B, T]</c>, int64.</param>
    /// <param name="attentionMask"><c>[B, T]</c>, int64 (or any numeric type): 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">Segment ids <c>[B, T]</c>, int64 (zeros for single sentences).</param>
    /// <returns>The last hidden state <c>[B, T, hidden]</c>, float32.</returns>
    /// <exception cref="ArgumentException">The shapes disagree, or T exceeds <see cref="BertConfig.MaxPositionEmbeddings"/>.</exception>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(tokenTypeIds);
        if (inputIds.dim() != 2 || !inputIds.shape.SequenceEqual(attentionMask.shape) || !inputIds.shape.SequenceEqual(tokenTypeIds.shape))
        {
            throw new ArgumentException(
                $"BertModel expects input_ids, attention_mask and token_type_ids of one shape [B, T]; got [{string.Join(", ", inputIds.shape)}], [{string.Join(", ", attentionMask.shape)}] and [{string.Join(", ", tokenTypeIds.shape)}].",
                nameof(inputIds));
        }

        if (inputIds.shape[1] > Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException(
                $"The sequence has {inputIds.shape[1]} tokens; this model has {Config.MaxPositionEmbeddings} positions. Truncate the input.",
                nameof(inputIds));
        }

        using var mask = attentionMask.to(ScalarType.Float32).unsqueeze(1).unsqueeze(1);   // [B, 1, 1, T]
        using Scalar one = 1.0, masked = MaskedValue; // explicit: see BertIntermediate
        using var additive = mask.neg().add_(one).mul_(masked);                     // 0 for tokens, -10000 for padding
        using var embedded = embeddings.forward(inputIds, tokenTypeIds);                  // [B, T, H]
        return encoder.forward(embedded, additive);                                       // [B, T, H]
    }

    /// <summary>Applies the pooler to a last hidden state.</summary>
    /// <param name="lastHiddenState"><c>[B, T, hidden]</c>.</param>
    /// <returns><c>[B, hidden]</c>.</returns>
    /// <exception cref="InvalidOperationException">The model was built without the pooler.</exception>
    public Tensor Pool(Tensor lastHiddenState)
    {
        ArgumentNullException.ThrowIfNull(lastHiddenState);
        if (pooler is null)
        {
            throw new InvalidOperationException("This BertModel has no pooler (the checkpoint had no pooler.dense.* weights); use mean or CLS pooling.");
        }

        return pooler.forward(lastHiddenState);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"BertModel(layers={Config.NumHiddenLayers}, hidden={Config.HiddenSize}, heads={Config.NumAttentionHeads}, intermediate={Config.IntermediateSize}, act={Config.HiddenAct}, pooler={HasPooler})";
}
