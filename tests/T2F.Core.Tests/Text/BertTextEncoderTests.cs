using T2F.Core.Checkpoints;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Text;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Text;

/// <summary>
/// <see cref="BertTextEncoder"/> on a small random BERT: inputs, padding, pooling, truncation reports, memory, and
/// the Hugging Face loaders (safetensors and pytorch_model.bin, with and without the bert. prefix).
/// </summary>
// Serial: TinyBert seeds torch's global generator and builds its model from it (BertModel takes no generator), and tests compare
// the outputs of two models built from one seed.
[Collection(ProcessWideStateCollection.Name)]
public sealed class BertTextEncoderTests
{
    [Fact]
    public void NullInputThrowsArgumentNull()
    {
        using var encoder = TinyBert.Encoder();
        Assert.Throws<ArgumentNullException>(() => encoder.Encode(null!));
        var ex = Assert.Throws<ArgumentNullException>(() => encoder.Encode(["the woman", null!]));
        Assert.Contains("texts[1]", ex.Message);
    }

    [Fact]
    public void EmptyListGivesAnEmptyBatch()
    {
        using var scope = NewDisposeScope();
        using var encoder = TinyBert.Encoder();
        var e = encoder.Encode([]);
        Assert.Equal([0L, 16L], e.shape);
        Assert.Equal(ScalarType.Float32, e.dtype);
    }

    [Fact]
    public void EmptyTextIsTheClsSepEmbedding()
    {
        using var scope = NewDisposeScope();
        using var encoder = TinyBert.Encoder();
        using var result = encoder.EncodeDetailed([string.Empty, "   \n\t"]);
        Assert.Equal([2, 3], result.Tokens[0].Ids);
        Assert.Equal([2, 3], result.Tokens[1].Ids);
        Assert.Equal(1.0, result.Embeddings[0].norm().item<float>(), 5);
        TensorAssert.Close(result.Embeddings[0], result.Embeddings[1], 0, 0, "whitespace-only vs empty");
    }

    [Fact]
    public void BatchEncodingEqualsOneByOne()
    {
        using var scope = NewDisposeScope();
        foreach (var pooling in Enum.GetValues<TextPooling>())
        {
            using var encoder = TinyBert.Encoder(new BertTextEncoderOptions { Pooling = pooling, Normalize = pooling != TextPooling.Cls });
            string[] texts = ["the woman has blond hair and is smiling.", "a", string.Empty, "hello world, a man!"];
            var batch = encoder.Encode(texts);
            Assert.Equal([4L, 16L], batch.shape);
            for (int i = 0; i < texts.Length; i++)
            {
                TensorAssert.Close(encoder.Encode([texts[i]])[0], batch[i], 1e-5, 1e-5, $"{pooling}: text {i} in a padded batch");
            }
        }
    }

    [Fact]
    public void LargeListsAreSplitIntoChunksWithTheSameResult()
    {
        using var scope = NewDisposeScope();
        string[] texts = Enumerable.Range(0, 7).Select(i => string.Join(' ', Enumerable.Repeat("a b", i + 1))).ToArray();
        using var whole = TinyBert.Encoder();
        using var chunked = TinyBert.Encoder(new BertTextEncoderOptions { MaxBatchSize = 3 });
        TensorAssert.Close(whole.Encode(texts), chunked.Encode(texts), 1e-5, 1e-5, "chunked");
    }

    [Fact]
    public void PoolingModesDoWhatTheySay()
    {
        using var scope = NewDisposeScope();
        string[] texts = ["the woman has blond hair", "a man"];
        using var raw = TinyBert.Encoder(new BertTextEncoderOptions { Pooling = TextPooling.Mean, Normalize = false });
        using var tokens = raw.EncodeDetailed(texts);
        var ids = torch.tensor(tokens.Tokens[1].Ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        var hidden = raw.Model.forward(ids, torch.ones_like(ids), torch.zeros_like(ids));   // [1, T, H]
        TensorAssert.Close(hidden.mean([1]), tokens.Embeddings[1].unsqueeze(0), 1e-5, 1e-5, "mean pooling");
        Assert.NotEqual(1.0, tokens.Embeddings[0].norm().item<float>(), 3);

        using var cls = TinyBert.Encoder(new BertTextEncoderOptions { Pooling = TextPooling.Cls, Normalize = false });
        TensorAssert.Close(hidden[.., 0], cls.Encode([texts[1]]), 1e-5, 1e-5, "CLS pooling");

        using var pooler = TinyBert.Encoder(new BertTextEncoderOptions { Pooling = TextPooling.Pooler, Normalize = false });
        TensorAssert.Close(pooler.Model.Pool(hidden), pooler.Encode([texts[1]]), 1e-5, 1e-5, "pooler");

        using var normalized = TinyBert.Encoder();
        var unit = normalized.Encode(texts).norm(1);
        TensorAssert.Close(torch.ones(2), unit, 1e-5, 0, "L2 norms");
    }

    [Fact]
    public void OptionsThatDoNotFitTheModelAreRejected()
    {
        Assert.Throws<ArgumentException>(() => TinyBert.Encoder(new BertTextEncoderOptions { Pooling = TextPooling.Pooler }, pooler: false));
        Assert.Throws<ArgumentException>(() => TinyBert.Encoder(new BertTextEncoderOptions { MaxLength = 65 }));
        Assert.Throws<ArgumentException>(() => TinyBert.Encoder(new BertTextEncoderOptions { MaxLength = 1 }));
        Assert.Throws<ArgumentException>(() => TinyBert.Encoder(new BertTextEncoderOptions { MaxBatchSize = 0 }));
        using var model = TinyBert.Model(config: TinyBert.Config with { VocabSize = 100 });
        Assert.Throws<ArgumentException>(() => BertTextEncoder.Create(model, TinyBert.Tokenizer()));
    }

    [Fact]
    public void TruncationIsReportedNeverSilent()
    {
        using var scope = NewDisposeScope();
        using var encoder = TinyBert.Encoder(new BertTextEncoderOptions { MaxLength = 5 });
        var events = new List<TextTruncatedEventArgs>();
        encoder.Truncated += (_, e) => events.Add(e);

        using var result = encoder.EncodeDetailed(["a b", "a b c a b c"]);

        Assert.False(result.Tokens[0].Truncated);
        Assert.True(result.Tokens[1].Truncated);
        Assert.True(result.AnyTruncated);
        Assert.Equal([2, 15, 16, 17, 3], result.Tokens[1].Ids);
        var e = Assert.Single(events);
        Assert.Equal(1, e.Index);
        Assert.Equal(5, e.MaxLength);

        // Through the interface too.
        _ = encoder.Encode(["a b c a b c"]);
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public void LongTextIsTruncatedToTheModelsPositions()
    {
        using var scope = NewDisposeScope();
        using var encoder = TinyBert.Encoder();
        string text = string.Concat(Enumerable.Repeat("the woman has blond hair. ", 40_000));   // 1 MB
        bool reported = false;
        encoder.Truncated += (_, _) => reported = true;
        using var result = encoder.EncodeDetailed([text]);
        Assert.Equal(64, result.Tokens[0].Ids.Count);
        Assert.True(reported);
    }

    [Fact]
    public void MemoryStaysFlatOverTenThousandCalls()
    {
        // The smallest model that still has every kind of layer: the test is about tensors left behind, not maths.
        var config = TinyBert.Config with { HiddenSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8 };
        using var encoder = BertTextEncoder.Create(TinyBert.Model(config: config), TinyBert.Tokenizer());
        string[] texts = ["the woman has blond hair", "a man"];
        void Call()
        {
            using var e = encoder.Encode(texts);
        }

        for (int i = 0; i < 20; i++)
        {
            Call();
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10_000; i++)
        {
            Call();
        }

        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after - before <= 0, $"live tensors grew from {before} to {after} over 10,000 calls");
    }

    [Fact]
    public void EncoderOutlivesTheCallersDisposeScope()
    {
        BertTextEncoder encoder;
        using (var scope = NewDisposeScope())
        {
            encoder = TinyBert.Encoder();
        }

        using (encoder)
        using (var scope = NewDisposeScope())
        {
            Assert.True(encoder.Encode(["a"]).isfinite().all().item<bool>());
        }

        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(["a"]));
    }

    [Fact]
    public void ModuleNamesAreHuggingFaces()
    {
        using var model = TinyBert.Model();
        var names = model.state_dict().Keys.ToHashSet();
        Assert.True(names.Count == 5 + (2 * 16) + 2, string.Join(", ", names.Order()));
        Assert.Contains("embeddings.word_embeddings.weight", names);
        Assert.Contains("embeddings.LayerNorm.bias", names);
        Assert.Contains("encoder.layer.1.attention.self.query.weight", names);
        Assert.Contains("encoder.layer.1.attention.output.dense.bias", names);
        Assert.Contains("encoder.layer.1.attention.output.LayerNorm.weight", names);
        Assert.Contains("encoder.layer.0.intermediate.dense.weight", names);
        Assert.Contains("encoder.layer.0.output.LayerNorm.bias", names);
        Assert.Contains("pooler.dense.weight", names);
    }

    [Fact]
    public void HuggingFaceFolderRoundTripsThroughSafetensors()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string[] texts = ["the woman has blond hair", "hello world"];
        using var original = TinyBert.Encoder(new BertTextEncoderOptions { Pooling = TextPooling.Pooler });
        original.SaveHuggingFace(folder.Path);

        using var loaded = BertTextEncoder.LoadHuggingFace(folder.Path, new BertTextEncoderOptions { Pooling = TextPooling.Pooler });

        Assert.Equal(original.Model.Config, loaded.Model.Config);
        TensorAssert.Close(original.Encode(texts), loaded.Encode(texts), 0, 0, "reloaded");
    }

    [Fact]
    public void PyTorchBinWithBertPrefixAndHeadsLoads()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        using var original = TinyBert.Encoder();
        original.SaveHuggingFace(folder.Path);
        File.Delete(folder.File("model.safetensors"));
        var stateDict = original.Model.state_dict()
            .Select(kv => new KeyValuePair<string, TensorData>("bert." + kv.Key, kv.Value.ToTensorData()))
            .Append(new("bert.embeddings.position_ids", torch.arange(64, dtype: ScalarType.Int64).unsqueeze(0).ToTensorData()))
            .Append(new("cls.predictions.bias", torch.zeros(TinyBert.Config.VocabSize).ToTensorData()))
            .ToList();
        PyTorchCheckpointWriter.SaveStateDict(folder.File("pytorch_model.bin"), stateDict);

        using var loaded = BertTextEncoder.LoadHuggingFace(folder.Path);

        TensorAssert.Close(original.Encode(["a man"]), loaded.Encode(["a man"]), 0, 0, "pytorch_model.bin");
    }

    [Fact]
    public void WeightsThatDoNotFitAreListedByName()
    {
        var weights = new Dictionary<string, TensorData>();
        using (var model = TinyBert.Model())
        {
            foreach (var (name, t) in model.state_dict())
            {
                weights[name] = t.ToTensorData();
            }
        }

        weights.Remove("encoder.layer.1.output.dense.bias");
        weights["encoder.layer.2.output.dense.bias"] = TensorData.FromFloats(new float[16], [16]);
        weights["embeddings.token_type_embeddings.weight"] = TensorData.FromFloats(new float[48], [3, 16]);

        var ex = Assert.Throws<StateDictMismatchException>(() => BertTextEncoder.FromWeights(TinyBert.Config, weights, TinyBert.Tokenizer(), null, "broken.safetensors"));
        Assert.Equal(["encoder.layer.1.output.dense.bias"], ex.Missing);
        Assert.Equal(["encoder.layer.2.output.dense.bias"], ex.Unexpected);
        Assert.Single(ex.Mismatched, m => m.StartsWith("embeddings.token_type_embeddings.weight", StringComparison.Ordinal));
        Assert.Contains("broken.safetensors", ex.Message);
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        using var folder = new TempFolder();
        var ex = Assert.Throws<FileNotFoundException>(() => BertTextEncoder.LoadHuggingFace(folder.Path));
        Assert.Contains("config.json", ex.Message);
        File.WriteAllText(folder.File("config.json"), TinyBert.Config.ToJson());
        ex = Assert.Throws<FileNotFoundException>(() => BertTextEncoder.LoadHuggingFace(folder.Path));
        Assert.Contains("model.safetensors", ex.Message);
    }

    [Fact]
    public void TanhGeluAndReluConfigsRun()
    {
        using var scope = NewDisposeScope();
        foreach (var act in new[] { "gelu_new", "gelu_pytorch_tanh", "relu" })
        {
            var model = TinyBert.Model(config: TinyBert.Config with { HiddenAct = act });
            using var encoder = BertTextEncoder.Create(model, TinyBert.Tokenizer());
            Assert.True(encoder.Encode(["a man"]).isfinite().all().item<bool>(), act);
        }
    }
}
