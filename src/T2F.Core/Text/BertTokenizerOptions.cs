namespace T2F.Core.Text;

/// <summary>How text is split before WordPiece (Hugging Face <c>BertTokenizer</c>'s options). Defaults are the uncased models'.</summary>
public sealed record BertTokenizerOptions
{
    /// <summary>Lower-case the text with the invariant culture (<c>do_lower_case</c>). True for uncased models.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>Strip accents (NFD, drop non-spacing marks) (<c>strip_accents</c>); null follows <see cref="LowerCase"/>, as Hugging Face does.</summary>
    public bool? StripAccents { get; init; }

    /// <summary>Split CJK ideographs into single characters (<c>tokenize_chinese_chars</c>).</summary>
    public bool TokenizeChineseChars { get; init; } = true;
}
