using T2F.Core.Checkpoints;
using T2F.Core.Text;
using Xunit;

namespace T2F.Core.Tests.Text;

/// <summary>Reading and writing Hugging Face <c>config.json</c>.</summary>
public sealed class BertConfigTests
{
    private const string MiniLMConfig = """
        {
          "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
          "architectures": ["BertModel"],
          "attention_probs_dropout_prob": 0.1,
          "gradient_checkpointing": false,
          "hidden_act": "gelu",
          "hidden_dropout_prob": 0.1,
          "hidden_size": 384,
          "initializer_range": 0.02,
          "intermediate_size": 1536,
          "layer_norm_eps": 1e-12,
          "max_position_embeddings": 512,
          "model_type": "bert",
          "num_attention_heads": 12,
          "num_hidden_layers": 6,
          "pad_token_id": 0,
          "position_embedding_type": "absolute",
          "transformers_version": "4.8.2",
          "type_vocab_size": 2,
          "use_cache": true,
          "vocab_size": 30522
        }
        """;

    [Fact]
    public void ReadsAHuggingFaceConfig()
    {
        var config = BertConfig.FromJson(MiniLMConfig);
        Assert.Equal(new BertConfig { HiddenSize = 384, NumHiddenLayers = 6, IntermediateSize = 1536 }, config);
        Assert.Equal(32, config.HeadSize);
    }

    [Fact]
    public void WritesWhatItReads()
    {
        var config = new BertConfig { VocabSize = 100, HiddenSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 4, HiddenAct = "gelu_new", LayerNormEps = 1e-5 };
        Assert.Equal(config, BertConfig.FromJson(config.ToJson()));
    }

    [Theory]
    [InlineData("""{"hidden_size": 100, "num_attention_heads": 12}""", "multiple")]
    [InlineData("""{"hidden_act": "swish"}""", "swish")]
    [InlineData("""{"model_type": "roberta"}""", "roberta")]
    [InlineData("""{"position_embedding_type": "relative_key"}""", "relative_key")]
    [InlineData("""{"hidden_size": "384"}""", "hidden_size")]
    [InlineData("""{"num_hidden_layers": 0}""", "NumHiddenLayers")]
    [InlineData("""[1, 2]""", "object")]
    [InlineData("""{"vocab_size": """, "JSON")]
    public void BadConfigsSayWhatIsWrong(string json, string expected)
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => BertConfig.FromJson(json, "my/config.json"));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("my/config.json", ex.Message);
    }
}
