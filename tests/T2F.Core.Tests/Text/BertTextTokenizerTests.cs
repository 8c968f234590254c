using System.Diagnostics;
using System.Globalization;
using T2F.Core.Text;
using T2F.Models.MiniLM;
using Xunit;

namespace T2F.Core.Tests.Text;

/// <summary>
/// The tokenizer against Hugging Face BERT's rules, with the real bert-base-uncased vocabulary of all-MiniLM-L6-v2,
/// including the inputs Microsoft.ML.Tokenizers 2.0.1 gets wrong on its own (dotnet/machinelearning#7724, #7725).
/// </summary>
public sealed class BertTextTokenizerTests
{
    private static readonly Lazy<BertTextTokenizer> Uncased = new(() =>
    {
        using var stream = new MemoryStream(MiniLM.ReadVocab());
        return BertTextTokenizer.Create(stream);
    });

    private static BertTextTokenizer Tokenizer => Uncased.Value;

    [Theory]
    [InlineData("Hello\tworld\nnew\r\nline", "hello world new line")]                 // #7724: not merged
    [InlineData("price $5 + tax = <total> ^ | ~", "price $ 5 + tax = < total > ^ | ~")] // #7725: not dropped
    [InlineData("Café naïve Über résumé", "cafe naive uber resume")]                    // accents stripped
    [InlineData("smi\u0000l\u0007i\u200Bng", "smiling")]                                 // control/format chars removed
    [InlineData("北京 is big", "北 京 is big")]                                          // CJK split
    [InlineData("a\u00A0b\u2003c", "a b c")]                                             // Unicode spaces
    [InlineData("She's — well… \"nice\"", "she ' s — well … \" nice \"")]                // punctuation split
    [InlineData("[CLS] a [SEP]", "[CLS] a [SEP]")]                                       // special tokens kept whole
    [InlineData("  ", "")]
    public void BasicTokenizationFollowsBert(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', Tokenizer.BasicTokenize(text)));
    }

    [Theory]
    [InlineData("😀", "[UNK]")]
    [InlineData("a😀b happy", "[UNK] happy")]                 // an unknown character makes the whole word [UNK], as in BERT
    [InlineData("The woman has blond hair", "the woman has blond hair")]
    [InlineData("eyeglasses", "eye ##glass ##es")]
    [InlineData("$ + = < > ^ | ~", "$ + = < > ^ | ~")]
    [InlineData("İSTANBUL IMAGE", "istanbul image")]
    public void WordPiecesMatchHuggingFace(string text, string expected)
    {
        var ids = Tokenizer.Encode(text, 256).Ids;
        Assert.Equal(Tokenizer.ClsId, ids[0]);
        Assert.Equal(Tokenizer.SepId, ids[^1]);
        Assert.Equal(expected, string.Join(' ', ids.Skip(1).SkipLast(1).Select(i => Tokenizer.Vocabulary[i])));
    }

    [Fact]
    public void EmptyTextIsClsSep()
    {
        var t = Tokenizer.Encode(string.Empty, 256);
        Assert.Equal([101, 102], t.Ids);
        Assert.False(t.Truncated);
    }

    [Fact]
    public void ResultsDoNotDependOnTheCurrentCulture()
    {
        const string text = "IMAGE of a TITLE: İstanbul, DIYARBAKIR. Straight hair, I İ ı i";
        var invariant = Run(CultureInfo.InvariantCulture);
        Assert.Equal(invariant, Run(new CultureInfo("tr-TR")));
        Assert.Equal(invariant, Run(new CultureInfo("az-Latn-AZ")));
        Assert.Contains(3746, invariant);   // "image", which tr-TR lower-casing would turn into "ımage"

        IReadOnlyList<int> Run(CultureInfo culture)
        {
            var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            try
            {
                CultureInfo.CurrentCulture = culture;
                CultureInfo.CurrentUICulture = culture;
                return Tokenizer.Encode(text, 256).Ids;
            }
            finally
            {
                CultureInfo.CurrentCulture = before;
                CultureInfo.CurrentUICulture = beforeUi;
            }
        }
    }

    [Fact]
    public void TruncationKeepsSepAndIsReported()
    {
        var full = Tokenizer.Encode("the woman has blond hair and eyeglasses", 256);
        Assert.False(full.Truncated);

        var cut = Tokenizer.Encode("the woman has blond hair and eyeglasses", 6);
        Assert.True(cut.Truncated);
        Assert.Equal([.. full.Ids.Take(5), 102], cut.Ids);

        // A word cut in the middle of its pieces: "eye ##glass | ##es".
        var pieces = Tokenizer.Encode("eyeglasses", 4);
        Assert.True(pieces.Truncated);
        Assert.Equal(4, pieces.Ids.Count);
        Assert.Equal(102, pieces.Ids[^1]);

        var exact = Tokenizer.Encode("eyeglasses", 5);
        Assert.False(exact.Truncated);
    }

    [Fact]
    public void OneMegabyteOfTextIsCutQuickly()
    {
        string text = string.Concat(Enumerable.Repeat("The woman has blond hair and is smiling. ", (1 << 20) / 40));
        var watch = Stopwatch.StartNew();
        var t = Tokenizer.Encode(text, 256);
        watch.Stop();
        Assert.True(t.Truncated);
        Assert.Equal(256, t.Ids.Count);
        Assert.Equal(102, t.Ids[^1]);
        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        Assert.Throws<ArgumentNullException>(() => Tokenizer.Encode(null!, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Encode("a", 1));
        Assert.Throws<ArgumentException>(() => BertTextTokenizer.Create(new MemoryStream("a\nb\n"u8.ToArray())));
        Assert.Throws<ArgumentException>(() => BertTextTokenizer.Create(new MemoryStream()));
    }

    [Fact]
    public void CasedOptionsKeepCaseAndAccents()
    {
        using var stream = new MemoryStream(MiniLM.ReadVocab());
        var cased = BertTextTokenizer.Create(stream, new BertTokenizerOptions { LowerCase = false });
        Assert.Equal(["Café", "ABC", "!"], cased.BasicTokenize("Café ABC!"));
        using var stream2 = new MemoryStream(MiniLM.ReadVocab());
        var keepAccents = BertTextTokenizer.Create(stream2, new BertTokenizerOptions { StripAccents = false });
        Assert.Equal(["café"], keepAccents.BasicTokenize("Café"));
    }
}
