using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using T2F.Core.Checkpoints;

namespace T2F.Core.Text;

/// <summary>
/// The architecture of a BERT encoder, with the meaning and names of Hugging Face's <c>BertConfig</c>
/// (<c>config.json</c>). Defaults are bert-base-uncased's.
/// </summary>
public sealed record BertConfig
{
    /// <summary>Number of word pieces (<c>vocab_size</c>).</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary>Width of every token vector (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; init; } = 768;

    /// <summary>Number of encoder layers (<c>num_hidden_layers</c>).</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>Attention heads per layer (<c>num_attention_heads</c>); must divide <see cref="HiddenSize"/>.</summary>
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary>Width of the feed-forward layer (<c>intermediate_size</c>).</summary>
    public int IntermediateSize { get; init; } = 3072;

    /// <summary>Feed-forward activation (<c>hidden_act</c>): <c>gelu</c> (exact erf form), <c>gelu_new</c> /
    /// <c>gelu_pytorch_tanh</c> (tanh approximation) or <c>relu</c>.</summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary>Longest input in tokens (<c>max_position_embeddings</c>).</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary>Number of segment types (<c>type_vocab_size</c>).</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>LayerNorm epsilon (<c>layer_norm_eps</c>).</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Id of the padding token (<c>pad_token_id</c>).</summary>
    public int PadTokenId { get; init; }

    /// <summary>Size of one attention head.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>The activation names this implementation supports.</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu"];

    /// <summary>Checks that the sizes are positive and consistent.</summary>
    /// <exception cref="ArgumentException">A size is not positive, the heads do not divide the hidden size, or the
    /// activation is not supported.</exception>
    public void Validate()
    {
        void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentException($"BertConfig.{name} is {value}; it must be positive.", name);
            }
        }

        Positive(VocabSize, nameof(VocabSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(NumHiddenLayers, nameof(NumHiddenLayers));
        Positive(NumAttentionHeads, nameof(NumAttentionHeads));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(MaxPositionEmbeddings, nameof(MaxPositionEmbeddings));
        Positive(TypeVocabSize, nameof(TypeVocabSize));
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new ArgumentException(
                $"BertConfig.HiddenSize {HiddenSize} is not a multiple of NumAttentionHeads {NumAttentionHeads}; each head needs HiddenSize / NumAttentionHeads features.",
                nameof(NumAttentionHeads));
        }

        if (!SupportedActivations.Contains(HiddenAct, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"BertConfig.HiddenAct is '{HiddenAct}'; supported: {string.Join(", ", SupportedActivations)}.", nameof(HiddenAct));
        }

        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
        {
            throw new ArgumentException($"BertConfig.LayerNormEps is {LayerNormEps}; it must be a small positive number.", nameof(LayerNormEps));
        }

        if (PadTokenId < 0 || PadTokenId >= VocabSize)
        {
            throw new ArgumentException($"BertConfig.PadTokenId is {PadTokenId}; it must be a token id below VocabSize {VocabSize}.", nameof(PadTokenId));
        }
    }

    /// <summary>Reads a Hugging Face <c>config.json</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration (validated).</returns>
    /// <exception cref="CheckpointFormatException">The file is not a BERT config.</exception>
    public static BertConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a Hugging Face <c>config.json</c>. Missing keys keep bert-base's defaults.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="sourceName">Used in error messages.</param>
    /// <returns>The configuration (validated).</returns>
    /// <exception cref="CheckpointFormatException">The JSON is not valid, a value has the wrong type, the model is
    /// not a plain BERT (e.g. relative position embeddings), or the sizes are inconsistent.</exception>
    public static BertConfig FromJson(string json, string sourceName = "config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException($"{sourceName} is not valid JSON ({ex.Message}). Use the config.json that came with the weights.", ex);
        }

        if (root is not JsonObject obj)
        {
            throw new CheckpointFormatException($"{sourceName} is not a JSON object. Use the config.json that came with the weights.");
        }

        string? modelType = GetString(obj, "model_type", sourceName);
        if (modelType is not null && modelType != "bert")
        {
            throw new CheckpointFormatException($"{sourceName} describes a '{modelType}' model; only 'bert' checkpoints are supported.");
        }

        string? positions = GetString(obj, "position_embedding_type", sourceName);
        if (positions is not null && positions != "absolute")
        {
            throw new CheckpointFormatException($"{sourceName} uses position_embedding_type '{positions}'; only 'absolute' is supported.");
        }

        var defaults = new BertConfig();
        var config = new BertConfig
        {
            VocabSize = GetInt(obj, "vocab_size", sourceName) ?? defaults.VocabSize,
            HiddenSize = GetInt(obj, "hidden_size", sourceName) ?? defaults.HiddenSize,
            NumHiddenLayers = GetInt(obj, "num_hidden_layers", sourceName) ?? defaults.NumHiddenLayers,
            NumAttentionHeads = GetInt(obj, "num_attention_heads", sourceName) ?? defaults.NumAttentionHeads,
            IntermediateSize = GetInt(obj, "intermediate_size", sourceName) ?? defaults.IntermediateSize,
            HiddenAct = GetString(obj, "hidden_act", sourceName) ?? defaults.HiddenAct,
            MaxPositionEmbeddings = GetInt(obj, "max_position_embeddings", sourceName) ?? defaults.MaxPositionEmbeddings,
            TypeVocabSize = GetInt(obj, "type_vocab_size", sourceName) ?? defaults.TypeVocabSize,
            LayerNormEps = GetDouble(obj, "layer_norm_eps", sourceName) ?? defaults.LayerNormEps,
            PadTokenId = GetInt(obj, "pad_token_id", sourceName) ?? defaults.PadTokenId,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CheckpointFormatException($"{sourceName}: {ex.Message}", ex);
        }

        return config;
    }

    /// <summary>Writes the configuration as a Hugging Face <c>config.json</c> (loadable by <c>transformers.BertModel</c>).</summary>
    /// <returns>Indented JSON text.</returns>
    public string ToJson()
    {
        var obj = new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["model_type"] = "bert",
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["intermediate_size"] = IntermediateSize,
            ["hidden_act"] = HiddenAct,
            ["hidden_dropout_prob"] = 0.1,
            ["attention_probs_dropout_prob"] = 0.1,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["type_vocab_size"] = TypeVocabSize,
            ["initializer_range"] = 0.02,
            ["layer_norm_eps"] = LayerNormEps,
            ["pad_token_id"] = PadTokenId,
            ["position_embedding_type"] = "absolute",
        };
        return obj.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// Reads the sizes that Hugging Face-named weights determine (vocabulary, hidden size, layers, intermediate size,
    /// positions, segment types). The number of attention heads cannot be seen in the weights and must be given.
    /// </summary>
    /// <param name="weights">Tensors with Hugging Face <c>BertModel</c> names (no <c>bert.</c> prefix).</param>
    /// <param name="numAttentionHeads">Attention heads per layer.</param>
    /// <param name="sourceName">Used in error messages.</param>
    /// <returns>The configuration (gelu, LayerNorm eps 1e-12; validated).</returns>
    /// <exception cref="CheckpointFormatException">A tensor the sizes are read from is missing or has the wrong rank.</exception>
    public static BertConfig InferFromWeights(IReadOnlyDictionary<string, TensorData> weights, int numAttentionHeads, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(weights);
        long[] Shape(string name, int rank)
        {
            if (!weights.TryGetValue(name, out var t) || t.Rank != rank)
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: cannot read the architecture: '{name}' is {(t is null ? "missing" : $"of shape {TensorData.FormatShape(t.Shape)}")}, expected a {rank}-d tensor. Check that the weights are a BERT model with Hugging Face names.");
            }

            return t.Shape;
        }

        var word = Shape("embeddings.word_embeddings.weight", 2);
        int layers = 0;
        while (weights.ContainsKey(string.Create(CultureInfo.InvariantCulture, $"encoder.layer.{layers}.attention.self.query.weight")))
        {
            layers++;
        }

        var config = new BertConfig
        {
            VocabSize = (int)word[0],
            HiddenSize = (int)word[1],
            NumHiddenLayers = layers,
            NumAttentionHeads = numAttentionHeads,
            IntermediateSize = layers > 0 ? (int)Shape("encoder.layer.0.intermediate.dense.weight", 2)[0] : 0,
            MaxPositionEmbeddings = (int)Shape("embeddings.position_embeddings.weight", 2)[0],
            TypeVocabSize = (int)Shape("embeddings.token_type_embeddings.weight", 2)[0],
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CheckpointFormatException($"{sourceName}: {ex.Message}", ex);
        }

        return config;
    }

    private static JsonNode? Get(JsonObject obj, string key) => obj.TryGetPropertyValue(key, out var node) ? node : null;

    private static string? GetString(JsonObject obj, string key, string sourceName)
    {
        var node = Get(obj, key);
        if (node is null)
        {
            return null;
        }

        return node is JsonValue v && v.TryGetValue(out string? s)
            ? s
            : throw new CheckpointFormatException($"{sourceName}: \"{key}\" is {node.ToJsonString()}, expected a string.");
    }

    private static int? GetInt(JsonObject obj, string key, string sourceName)
    {
        var node = Get(obj, key);
        if (node is null)
        {
            return null;
        }

        return node is JsonValue v && v.TryGetValue(out int i)
            ? i
            : throw new CheckpointFormatException($"{sourceName}: \"{key}\" is {node.ToJsonString()}, expected an integer.");
    }

    private static double? GetDouble(JsonObject obj, string key, string sourceName)
    {
        var node = Get(obj, key);
        if (node is null)
        {
            return null;
        }

        return node is JsonValue v && v.TryGetValue(out double d)
            ? d
            : throw new CheckpointFormatException($"{sourceName}: \"{key}\" is {node.ToJsonString()}, expected a number.");
    }
}
