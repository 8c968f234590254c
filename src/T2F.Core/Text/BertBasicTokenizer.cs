using System.Globalization;
using System.Text;

namespace T2F.Core.Text;

/// <summary>
/// BERT's basic tokenisation, as Hugging Face's <c>BasicTokenizer</c> does it (google-research/bert
/// tokenization.py): drop NUL, U+FFFD and control characters; treat tabs, line breaks and Unicode spaces as
/// spaces; put spaces around CJK ideographs; split on whitespace; lower-case (invariant culture) and strip accents
/// (NFD, drop non-spacing marks) when asked; split every punctuation character off as its own word. Special tokens
/// typed in the text (<c>[CLS]</c>, <c>[SEP]</c>, ...) are kept whole, as Hugging Face's tokenizers do.
/// The result never depends on the current culture.
/// </summary>
internal static class BertBasicTokenizer
{
    /// <summary>Yields the words of <paramref name="text"/> lazily, so a caller can stop after the first few.</summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Lower-casing, accent stripping, CJK splitting.</param>
    /// <param name="specialTokens">Strings kept whole when they appear in the text (ordinal match).</param>
    /// <returns>The words, in order.</returns>
    public static IEnumerable<string> Tokenize(string text, BertTokenizerOptions options, IReadOnlyList<string> specialTokens)
    {
        int start = 0;
        while (start < text.Length)
        {
            int next = -1;
            string? special = null;
            foreach (var s in specialTokens)
            {
                int at = text.IndexOf(s, start, StringComparison.Ordinal);
                if (at >= 0 && (next < 0 || at < next))
                {
                    next = at;
                    special = s;
                }
            }

            int end = next < 0 ? text.Length : next;
            foreach (var word in TokenizePlain(text, start, end, options))
            {
                yield return word;
            }

            if (special is null)
            {
                yield break;
            }

            yield return special;
            start = next + special.Length;
        }
    }

    private static IEnumerable<string> TokenizePlain(string text, int start, int end, BertTokenizerOptions options)
    {
        bool lower = options.LowerCase;
        bool strip = options.StripAccents ?? options.LowerCase;
        var word = new StringBuilder();
        int i = start;
        while (i < end)
        {
            // Whitespace-delimited chunk, with control characters removed and CJK ideographs split off.
            word.Clear();
            bool cjk = false;
            while (i < end)
            {
                Rune.DecodeFromUtf16(text.AsSpan(i, end - i), out Rune rune, out int used);
                if (IsWhitespace(rune))
                {
                    if (word.Length > 0)
                    {
                        i += used;
                        break;
                    }

                    i += used;
                    continue;
                }

                if (rune.Value == 0 || rune.Value == 0xFFFD || IsControl(rune))
                {
                    i += used;
                    continue;
                }

                if (options.TokenizeChineseChars && IsCjk(rune))
                {
                    if (word.Length > 0)
                    {
                        break;   // the ideograph starts the next chunk
                    }

                    word.Append(text, i, used);
                    i += used;
                    cjk = true;
                    break;
                }

                word.Append(text, i, used);
                i += used;
            }

            if (word.Length == 0)
            {
                continue;
            }

            if (cjk)
            {
                yield return word.ToString();
                continue;
            }

            string chunk = word.ToString().Normalize(NormalizationForm.FormC);
            if (lower)
            {
                // Python's str.lower() maps İ (U+0130) to "i" + combining dot above; .NET's invariant mapping keeps it.
                chunk = chunk.Replace("\u0130", "i\u0307", StringComparison.Ordinal).ToLowerInvariant();
            }

            if (strip)
            {
                chunk = StripAccents(chunk);
            }

            foreach (var piece in SplitOnPunctuation(chunk))
            {
                yield return piece;
            }
        }
    }

    private static string StripAccents(string text)
    {
        string decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (Rune rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> SplitOnPunctuation(string chunk)
    {
        int begin = 0;
        int i = 0;
        while (i < chunk.Length)
        {
            Rune.DecodeFromUtf16(chunk.AsSpan(i), out Rune rune, out int used);
            if (IsPunctuation(rune))
            {
                if (i > begin)
                {
                    yield return chunk[begin..i];
                }

                yield return chunk.Substring(i, used);
                begin = i + used;
            }

            i += used;
        }

        if (begin < chunk.Length)
        {
            yield return chunk[begin..];
        }
    }

    /// <summary>Space, tab, line feed, carriage return, or a Unicode space separator (category Zs).</summary>
    internal static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    /// <summary>A control or format character (Cc, Cf), except tab, line feed and carriage return (whitespace).</summary>
    internal static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.Control or UnicodeCategory.Format;
    }

    /// <summary>BERT's punctuation: every non-alphanumeric printable ASCII character, and every Unicode P* category.</summary>
    internal static bool IsPunctuation(Rune rune)
    {
        int cp = rune.Value;
        if (cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks that BERT splits character by character.</summary>
    internal static bool IsCjk(Rune rune)
    {
        int cp = rune.Value;
        return cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
    }
}
