using System.Text;
using Microsoft.ML.Tokenizers;

namespace T2F.Core.Text;

/// <summary>
/// BERT's tokenizer: basic tokenisation in our code (<see cref="BertBasicTokenizer"/>: whitespace incl. tabs and line
/// breaks, punctuation, control characters, CJK, invariant lower-casing, accents), then WordPiece from
/// Microsoft.ML.Tokenizers' <c>BertTokenizer</c> with its own basic tokenisation turned off. Doing the first step
/// here works around two defects of Microsoft.ML.Tokenizers 2.0.1: symbols such as <c>$ + = &lt; &gt; ^ | ~</c> and
/// emoji are dropped silently (dotnet/machinelearning#7725) and words separated only by <c>\n</c>, <c>\t</c> or
/// <c>\r</c> are merged (#7724). The ids match Hugging Face's <c>BertTokenizer</c> and do not depend on the current
/// culture.
/// </summary>
public sealed class BertTextTokenizer
{
    /// <summary>The classification token that starts every sequence.</summary>
    public const string ClsToken = "[CLS]";

    /// <summary>The separator token that ends every sequence.</summary>
    public const string SepToken = "[SEP]";

    /// <summary>The padding token.</summary>
    public const string PadToken = "[PAD]";

    /// <summary>The token for unknown words.</summary>
    public const string UnkToken = "[UNK]";

    /// <summary>The mask token.</summary>
    public const string MaskToken = "[MASK]";

    private static readonly string[] SpecialTokenNames = [ClsToken, SepToken, PadToken, UnkToken, MaskToken];

    private readonly BertTokenizer wordPiece;
    private readonly string[] vocabulary;
    private readonly string[] specialTokens;

    private BertTextTokenizer(string[] vocabulary, BertTokenizerOptions options, string sourceName)
    {
        this.vocabulary = vocabulary;
        Options = options;
        var ids = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Length; i++)
        {
            ids.TryAdd(vocabulary[i], i);
        }

        int Id(string token) => ids.TryGetValue(token, out int id)
            ? id
            : throw new ArgumentException($"{sourceName} has no '{token}' entry; a BERT vocabulary needs [PAD], [UNK], [CLS], [SEP] and [MASK]. Use the vocab.txt that came with the model.", nameof(vocabulary));

        ClsId = Id(ClsToken);
        SepId = Id(SepToken);
        PadId = Id(PadToken);
        UnkId = Id(UnkToken);
        specialTokens = SpecialTokenNames.Where(ids.ContainsKey).ToArray();

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', vocabulary) + "\n"));
        wordPiece = BertTokenizer.Create(stream, new BertOptions
        {
            ApplyBasicTokenization = false,       // done by BertBasicTokenizer (see the class remarks)
            LowerCaseBeforeTokenization = false,  // idem
            SplitOnSpecialTokens = true,          // typed "[SEP]" etc. map to their ids, as in Hugging Face
            IndividuallyTokenizeCjk = false,
            RemoveNonSpacingMarks = false,
        });
    }

    /// <summary>The basic tokenisation options.</summary>
    public BertTokenizerOptions Options { get; }

    /// <summary>Number of entries in the vocabulary.</summary>
    public int VocabularySize => vocabulary.Length;

    /// <summary>The vocabulary, one token per id.</summary>
    public IReadOnlyList<string> Vocabulary => vocabulary;

    /// <summary>Id of <c>[CLS]</c>.</summary>
    public int ClsId { get; }

    /// <summary>Id of <c>[SEP]</c>.</summary>
    public int SepId { get; }

    /// <summary>Id of <c>[PAD]</c>.</summary>
    public int PadId { get; }

    /// <summary>Id of <c>[UNK]</c>.</summary>
    public int UnkId { get; }

    /// <summary>Reads a <c>vocab.txt</c> (one token per line, LF or CRLF; the line number is the id).</summary>
    /// <param name="vocabPath">The file.</param>
    /// <param name="options">Basic tokenisation options; default: uncased.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException">The vocabulary lacks a special token.</exception>
    public static BertTextTokenizer Load(string vocabPath, BertTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabPath);
        using var stream = File.OpenRead(vocabPath);
        return Create(stream, options, vocabPath);
    }

    /// <summary>Reads a vocabulary from a stream (UTF-8, one token per line).</summary>
    /// <param name="vocab">The stream; read to the end, not disposed.</param>
    /// <param name="options">Basic tokenisation options; default: uncased.</param>
    /// <param name="sourceName">Used in error messages.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException">The vocabulary is empty or lacks a special token.</exception>
    public static BertTextTokenizer Create(Stream vocab, BertTokenizerOptions? options = null, string sourceName = "vocab.txt")
    {
        ArgumentNullException.ThrowIfNull(vocab);
        using var reader = new StreamReader(vocab, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        // A final empty line is the file's trailing newline, not a token.
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count == 0)
        {
            throw new ArgumentException($"{sourceName} is empty; expected one word piece per line.", nameof(vocab));
        }

        return new BertTextTokenizer(lines.ToArray(), options ?? new BertTokenizerOptions(), sourceName);
    }

    /// <summary>Runs the basic tokenisation only (before WordPiece).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The words, lower-cased and accent-stripped as configured, punctuation split off.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<string> BasicTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return BertBasicTokenizer.Tokenize(text, Options, specialTokens).ToList();
    }

    /// <summary>
    /// Converts a text to <c>[CLS]</c> + word pieces + <c>[SEP]</c>, keeping at most <paramref name="maxLength"/> ids.
    /// When the text is longer, the word pieces are cut (<c>[SEP]</c> is kept) and
    /// <see cref="TokenizedText.Truncated"/> says so. Long texts are cheap: only the words that can fit are tokenised.
    /// </summary>
    /// <param name="text">The text; "" gives <c>[CLS] [SEP]</c>.</param>
    /// <param name="maxLength">The most ids to return, at least 2.</param>
    /// <returns>The ids and whether they were truncated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 2.</exception>
    public TokenizedText Encode(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        int budget = maxLength - 2;

        // Every word gives at least one id, so budget + 1 words are enough to fill the budget and see truncation.
        var words = new List<string>();
        bool moreWords = false;
        foreach (var word in BertBasicTokenizer.Tokenize(text, Options, specialTokens))
        {
            if (words.Count > budget)
            {
                moreWords = true;
                break;
            }

            words.Add(word);
        }

        var pieces = words.Count == 0
            ? Array.Empty<int>()
            : (IReadOnlyList<int>)wordPiece.EncodeToIds(string.Join(' ', words), addSpecialTokens: false);
        bool truncated = moreWords || pieces.Count > budget;
        int kept = Math.Min(pieces.Count, budget);
        var ids = new int[kept + 2];
        ids[0] = ClsId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[^1] = SepId;
        return new TokenizedText(ids, truncated);
    }

    /// <summary>Writes the vocabulary as a <c>vocab.txt</c> (LF line endings, UTF-8 without BOM).</summary>
    /// <param name="path">The file to create or replace.</param>
    public void SaveVocabulary(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, string.Join('\n', vocabulary) + "\n", new UTF8Encoding(false));
    }
}
