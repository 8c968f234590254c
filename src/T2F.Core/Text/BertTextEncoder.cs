using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using T2F.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>
/// A BERT sentence encoder: <see cref="BertTextTokenizer"/> + <see cref="BertModel"/> + pooling (mean, CLS or
/// pooler) + optional L2 normalisation. Batches are right-padded to their longest text. Inference runs without
/// gradients and frees every intermediate tensor, so memory stays flat over any number of calls.
/// Load all-MiniLM-L6-v2 with <c>T2F.Models.MiniLM.MiniLM.LoadEncoder()</c> (separate package) or a Hugging Face
/// folder with <see cref="LoadHuggingFace"/>. Encode may run on several threads at once (PipelineConcurrencyTests); Dispose only when no call runs.
/// </summary>
public sealed class BertTextEncoder : ITextEncoder
{
    private bool disposed;

    private BertTextEncoder(BertModel model, BertTextTokenizer tokenizer, BertTextEncoderOptions options)
    {
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        MaxLength = options.MaxLength ?? model.Config.MaxPositionEmbeddings;
    }

    /// <summary>
    /// Raised once per text that was longer than <see cref="MaxLength"/> tokens and was truncated. When nothing
    /// handles it, a warning goes to <see cref="Trace"/> instead, so truncation is never silent.
    /// </summary>
    public event EventHandler<TextTruncatedEventArgs>? Truncated;

    /// <summary>The TorchSharp model (move it with <c>Model.to(device)</c>; inputs follow it).</summary>
    public BertModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public BertTextTokenizer Tokenizer { get; }

    /// <summary>Pooling, normalisation, lengths.</summary>
    public BertTextEncoderOptions Options { get; }

    /// <summary>Most tokens per text, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <inheritdoc />
    public int EmbeddingSize => Model.Config.HiddenSize;

    /// <summary>Combines a model and a tokenizer. The encoder takes ownership of <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">The tokenizer of the model's vocabulary.</param>
    /// <param name="options">Pooling and lengths; default mean pooling, normalised, max length = model positions.</param>
    /// <returns>The encoder.</returns>
    /// <exception cref="ArgumentException">The options do not fit the model (length, pooler), or the vocabulary
    /// size differs from the model's.</exception>
    public static BertTextEncoder Create(BertModel model, BertTextTokenizer tokenizer, BertTextEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new BertTextEncoderOptions();
        var config = model.Config;
        if (options.MaxLength is { } max && (max < 2 || max > config.MaxPositionEmbeddings))
        {
            throw new ArgumentException(
                $"MaxLength is {max}; it must be between 2 ([CLS] + [SEP]) and the model's {config.MaxPositionEmbeddings} positions.", nameof(options));
        }

        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentException($"MaxBatchSize is {options.MaxBatchSize}; it must be at least 1.", nameof(options));
        }

        if (options.Pooling == TextPooling.Pooler && !model.HasPooler)
        {
            throw new ArgumentException("Pooling is Pooler, but the model has no pooler weights (pooler.dense.*); use TextPooling.Mean or TextPooling.Cls.", nameof(options));
        }

        if (tokenizer.VocabularySize != config.VocabSize)
        {
            throw new ArgumentException(
                $"The vocabulary has {tokenizer.VocabularySize} entries, the model {config.VocabSize} word embeddings: use the vocab.txt that came with the weights.", nameof(tokenizer));
        }

        return new BertTextEncoder(model, tokenizer, options);
    }

    /// <summary>Builds a model of <paramref name="config"/>, loads <paramref name="weights"/> into it and adds the tokenizer.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="weights">Tensors with <c>BertModel</c> names (see <see cref="BertWeights"/>); the pooler is
    /// built when <c>pooler.dense.weight</c> is present.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="options">Pooling and lengths.</param>
    /// <param name="sourceName">Used in error messages.</param>
    /// <returns>The encoder.</returns>
    /// <exception cref="StateDictMismatchException">Weights are missing, unexpected or mis-shaped (all listed by name).</exception>
    public static BertTextEncoder FromWeights(BertConfig config, IReadOnlyDictionary<string, TensorData> weights, BertTextTokenizer tokenizer, BertTextEncoderOptions? options, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var model = new BertModel(config, addPoolingLayer: weights.ContainsKey("pooler.dense.weight"));
        try
        {
            model.LoadWeights(weights, sourceName);
            return Create(model, tokenizer, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a Hugging Face BERT folder: <c>config.json</c>, <c>vocab.txt</c>, and <c>model.safetensors</c> or
    /// <c>pytorch_model.bin</c> (names with or without the <c>bert.</c> prefix; <c>BertFor*</c> heads are ignored).
    /// <c>tokenizer_config.json</c>, when present, gives <c>do_lower_case</c>, <c>strip_accents</c> and
    /// <c>tokenize_chinese_chars</c>. Nothing in the files is executed.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Pooling and lengths.</param>
    /// <param name="tokenizerOptions">Overrides <c>tokenizer_config.json</c>.</param>
    /// <returns>The encoder.</returns>
    /// <exception cref="FileNotFoundException">A required file is missing.</exception>
    /// <exception cref="CheckpointFormatException">A file is not in the expected format.</exception>
    /// <exception cref="StateDictMismatchException">The weights do not fit <c>config.json</c>.</exception>
    public static BertTextEncoder LoadHuggingFace(string folder, BertTextEncoderOptions? options = null, BertTokenizerOptions? tokenizerOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string Required(string name)
        {
            string path = Path.Combine(folder, name);
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"{folder} has no {name}; a Hugging Face BERT folder needs config.json, vocab.txt and model.safetensors or pytorch_model.bin.", path);
        }

        var config = BertConfig.Load(Required("config.json"));
        string weightsPath = new[] { "model.safetensors", "pytorch_model.bin" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{folder} has neither model.safetensors nor pytorch_model.bin; download the weights next to config.json.", Path.Combine(folder, "model.safetensors"));
        tokenizerOptions ??= ReadTokenizerConfig(Path.Combine(folder, "tokenizer_config.json"));
        var tokenizer = BertTextTokenizer.Load(Required("vocab.txt"), tokenizerOptions);
        var weights = BertWeights.ReadHuggingFace(weightsPath);
        return FromWeights(config, weights, tokenizer, options, weightsPath);
    }

    /// <summary>
    /// Writes the model as a Hugging Face folder (<c>config.json</c>, <c>vocab.txt</c>, <c>tokenizer_config.json</c>,
    /// <c>model.safetensors</c> with <c>BertModel</c> names), which <see cref="LoadHuggingFace"/> and
    /// <c>transformers.BertModel.from_pretrained</c> read. The weights file is written atomically.
    /// </summary>
    /// <param name="folder">The folder; created when missing.</param>
    public void SaveHuggingFace(string folder)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        var tensors = new List<KeyValuePair<string, TensorData>>();
        foreach (var (name, tensor) in Model.state_dict())
        {
            tensors.Add(new(name, tensor.ToTensorData()));
        }

        SafeTensorsFile.Write(Path.Combine(folder, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(folder, "config.json"), Model.Config.ToJson());
        Tokenizer.SaveVocabulary(Path.Combine(folder, "vocab.txt"));
        var tokenizerConfig = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = Tokenizer.Options.LowerCase,
            ["strip_accents"] = Tokenizer.Options.StripAccents is { } s ? JsonValue.Create(s) : null,
            ["tokenize_chinese_chars"] = Tokenizer.Options.TokenizeChineseChars,
            ["model_max_length"] = MaxLength,
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), tokenizerConfig.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <inheritdoc />
    public Tensor Encode(IReadOnlyList<string> texts)
    {
        // TextEncoding holds nothing but the tensor, which the caller now owns.
        return EncodeDetailed(texts).Embeddings;
    }

    /// <summary>
    /// Encodes a batch and also returns each text's token ids and whether it was truncated.
    /// </summary>
    /// <param name="texts">The texts; none may be null; "" encodes as <c>[CLS] [SEP]</c>.</param>
    /// <returns>The embeddings <c>[B, EmbeddingSize]</c> and the tokens; dispose it (or take the tensor out of it).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its items is null.</exception>
    public TextEncoding EncodeDetailed(IReadOnlyList<string> texts)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(texts);
        var tokens = new TokenizedText[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentNullException(nameof(texts), string.Create(CultureInfo.InvariantCulture, $"texts[{i}] is null; pass \"\" for an empty description."));
            tokens[i] = Tokenizer.Encode(text, MaxLength);
        }

        Tensor embeddings;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var device = Model.Embeddings.parameters().First().device;
            var chunks = new List<Tensor>();
            for (int start = 0; start < tokens.Length; start += Options.MaxBatchSize)
            {
                int count = Math.Min(Options.MaxBatchSize, tokens.Length - start);
                chunks.Add(EncodeChunk(tokens.AsSpan(start, count), device));
            }

            var all = chunks.Count switch
            {
                0 => torch.zeros(0, EmbeddingSize, device: device),
                1 => chunks[0],
                _ => torch.cat(chunks, 0),
            };
            embeddings = all.MoveToOuterDisposeScope();
        }

        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Truncated)
            {
                ReportTruncation(i, texts[i].Length);
            }
        }

        return new TextEncoding(embeddings, tokens);
    }

    /// <summary>Frees the model's weights.</summary>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            Model.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"BertTextEncoder({Model}, pooling={Options.Pooling}, normalize={Options.Normalize}, max_length={MaxLength})";

    private Tensor EncodeChunk(ReadOnlySpan<TokenizedText> batch, Device device)
    {
        int b = batch.Length;
        int t = 0;
        foreach (var item in batch)
        {
            t = Math.Max(t, item.Ids.Count);
        }

        // Right padding: [CLS] ... [SEP] [PAD] ... with mask 0 on the padding; one segment (token type 0).
        var ids = new long[b * t];
        var mask = new long[b * t];
        Array.Fill(ids, Tokenizer.PadId);
        for (int i = 0; i < b; i++)
        {
            var row = batch[i].Ids;
            for (int j = 0; j < row.Count; j++)
            {
                ids[(i * t) + j] = row[j];
                mask[(i * t) + j] = 1;
            }
        }

        var inputIds = torch.tensor(ids, [b, t], device: device);            // [B, T]
        var attentionMask = torch.tensor(mask, [b, t], device: device);      // [B, T]
        var tokenTypes = torch.zeros([b, t], ScalarType.Int64, device: device);
        var hidden = Model.forward(inputIds, attentionMask, tokenTypes);     // [B, T, H]
        Tensor pooled = Options.Pooling switch
        {
            TextPooling.Cls => hidden.select(1, 0),
            TextPooling.Pooler => Model.Pool(hidden),
            _ => MeanPool(hidden, attentionMask),
        };
        return Options.Normalize ? nn.functional.normalize(pooled, p: 2, dim: 1, eps: 1e-12) : pooled;
    }

    // sum(h * mask) / max(sum(mask), 1e-9), as sentence-transformers' mean pooling.
    private static Tensor MeanPool(Tensor hidden, Tensor attentionMask)
    {
        var m = attentionMask.to(hidden.dtype).unsqueeze(-1);                // [B, T, 1]
        var sum = (hidden * m).sum(1);                                       // [B, H]
        var count = m.sum(1).clamp_min(1e-9);                                // [B, 1]
        return sum / count;
    }

    private void ReportTruncation(int index, int textLength)
    {
        var handler = Truncated;
        var args = new TextTruncatedEventArgs(index, textLength, MaxLength);
        if (handler is null)
        {
            Trace.TraceWarning($"BertTextEncoder: text {index} ({textLength} characters) is longer than {MaxLength} tokens and was truncated; only its beginning was encoded.");
        }
        else
        {
            handler(this, args);
        }
    }

    private static BertTokenizerOptions ReadTokenizerConfig(string path)
    {
        var options = new BertTokenizerOptions();
        if (!File.Exists(path))
        {
            return options;
        }

        JsonObject? obj;
        try
        {
            obj = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException($"{path} is not valid JSON ({ex.Message}); fix or delete it.", ex);
        }

        if (obj is null)
        {
            throw new CheckpointFormatException($"{path} is not a JSON object; fix or delete it.");
        }

        static bool? Flag(JsonObject o, string key, string path) =>
            !o.TryGetPropertyValue(key, out var node) || node is null ? null
            : node is JsonValue v && v.TryGetValue(out bool b) ? b
            : throw new CheckpointFormatException($"{path}: \"{key}\" is {node.ToJsonString()}, expected true, false or null.");

        return options with
        {
            LowerCase = Flag(obj, "do_lower_case", path) ?? options.LowerCase,
            StripAccents = Flag(obj, "strip_accents", path),
            TokenizeChineseChars = Flag(obj, "tokenize_chinese_chars", path) ?? options.TokenizeChineseChars,
        };
    }
}
