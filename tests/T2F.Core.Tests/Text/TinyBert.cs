using T2F.Core.Text;
using TorchSharp;

namespace T2F.Core.Tests.Text;

/// <summary>A small random BERT and its vocabulary, for fast tests of everything but the pretrained numbers.</summary>
internal static class TinyBert
{
    public static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "woman", "man", "has", "blond", "hair", "and", "is",
        "smil", "##ing", "a", "b", "c", ".", ",", "!", "$", "+", "=", "<", ">", "^", "|", "~", "cafe", "naive", "北", "京",
        "hello", "world", "new", "line", "istanbul", "image", "##s",
    ];

    public static readonly BertConfig Config = new()
    {
        VocabSize = Vocabulary.Length,
        HiddenSize = 16,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 32,
        MaxPositionEmbeddings = 64,
    };

    public static BertTextTokenizer Tokenizer(BertTokenizerOptions? options = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\r\n", Vocabulary) + "\r\n"));
        return BertTextTokenizer.Create(stream, options);
    }

    // Seeds torch's global generator, which BertModel draws its initial weights from (it takes no generator): the tests
    // that use it run alone (ProcessWideStateCollection), so that two models of one seed are equal.
    public static BertModel Model(int seed = 1, bool pooler = true, BertConfig? config = null)
    {
        torch.manual_seed(seed);
        return new BertModel(config ?? Config, pooler);
    }

    public static BertTextEncoder Encoder(BertTextEncoderOptions? options = null, int seed = 1, bool pooler = true) =>
        BertTextEncoder.Create(Model(seed, pooler), Tokenizer(), options);
}
