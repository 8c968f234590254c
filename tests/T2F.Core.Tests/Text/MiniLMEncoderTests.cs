using System.Diagnostics;
using System.Globalization;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Text;
using T2F.Models.MiniLM;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Text;

/// <summary>The default encoder (all-MiniLM-L6-v2) on awkward inputs: every result is a finite unit vector, and
/// text the tokenizer treats alike encodes alike.</summary>
[Collection(MiniLMCollection.Name)]
public sealed class MiniLMEncoderTests
{
    private readonly BertTextEncoder encoder;

    public MiniLMEncoderTests(MiniLMFixture fixture)
    {
        encoder = fixture.Encoder;
    }

    [Fact]
    public void DefaultsAreSentenceTransformers()
    {
        Assert.Equal(384, encoder.EmbeddingSize);
        Assert.Equal(256, encoder.MaxLength);
        Assert.Equal(TextPooling.Mean, encoder.Options.Pooling);
        Assert.True(encoder.Options.Normalize);
        Assert.Equal(new BertConfig { HiddenSize = 384, NumHiddenLayers = 6, IntermediateSize = 1536 }, encoder.Model.Config);
        Assert.True(encoder.Model.HasPooler);
    }

    [Theory]
    [InlineData("😀😀 a smiling face 🙂")]
    [InlineData("北京的女人有金色的头发")]
    [InlineData("a\u0000wo\u0007man\u200B with\u001Bblond hair\uFFFD")]
    [InlineData("Éléonore, a naïve señorita with crème-brûlée hair")]
    [InlineData("$ + = < > ^ | ~ ° © ☃")]
    [InlineData("")]
    public void AwkwardTextGivesAUnitVector(string text)
    {
        using var scope = NewDisposeScope();
        var e = encoder.Encode([text]);
        Assert.Equal([1L, 384L], e.shape);
        Assert.True(e.isfinite().all().item<bool>());
        Assert.Equal(1.0, e.norm().item<float>(), 5);
    }

    [Theory]
    [InlineData("Café naïve Über", "cafe naive uber")]
    [InlineData("THE WOMAN HAS BLOND HAIR", "the woman has blond hair")]
    [InlineData("blond\thair\nand\r\nglasses", "blond hair and glasses")]
    [InlineData("red\u0000 hair", "red hair")]
    public void TextThatTokenizesAlikeEncodesAlike(string a, string b)
    {
        using var scope = NewDisposeScope();
        var e = encoder.Encode([a, b]);
        TensorAssert.Close(e[0], e[1], 1e-5, 0, $"\"{a}\" vs \"{b}\"");
    }

    [Fact]
    public void TurkishCultureGivesTheSameEmbedding()
    {
        using var scope = NewDisposeScope();
        const string text = "IMAGE OF A WOMAN WITH STRAIGHT HAIR IN ISTANBUL";
        var invariant = encoder.Encode([text]);
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("tr-TR");
            TensorAssert.Close(invariant, encoder.Encode([text]), 0, 0, "tr-TR");
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void OneMegabyteIsTruncatedQuicklyAndReported()
    {
        using var scope = NewDisposeScope();
        string text = string.Concat(Enumerable.Repeat("The woman has blond hair and is smiling. ", (1 << 20) / 40));
        int reports = 0;
        encoder.Truncated += OnTruncated;
        try
        {
            var watch = Stopwatch.StartNew();
            using var result = encoder.EncodeDetailed([text]);
            watch.Stop();
            Assert.True(result.Tokens[0].Truncated);
            Assert.Equal(256, result.Tokens[0].Ids.Count);
            Assert.Equal(1, reports);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
            Assert.Equal(1.0, result.Embeddings.norm().item<float>(), 5);
        }
        finally
        {
            encoder.Truncated -= OnTruncated;
        }

        void OnTruncated(object? sender, TextTruncatedEventArgs e) => reports++;
    }

    [Fact]
    public void BadInputThrows()
    {
        Assert.Throws<ArgumentNullException>(() => encoder.Encode(null!));
        Assert.Throws<ArgumentNullException>(() => encoder.Encode([null!]));
        using var scope = NewDisposeScope();
        Assert.Equal([0L, 384L], encoder.Encode([]).shape);
    }
}
