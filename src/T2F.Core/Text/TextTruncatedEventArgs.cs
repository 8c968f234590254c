namespace T2F.Core.Text;

/// <summary>A text was longer than the encoder's maximum length and only its beginning was encoded.</summary>
public sealed class TextTruncatedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="index">Index of the text in the batch.</param>
    /// <param name="textLength">Length of the text in characters.</param>
    /// <param name="maxLength">The maximum number of tokens ([CLS] and [SEP] included).</param>
    public TextTruncatedEventArgs(int index, int textLength, int maxLength)
    {
        Index = index;
        TextLength = textLength;
        MaxLength = maxLength;
    }

    /// <summary>Index of the text in the batch.</summary>
    public int Index { get; }

    /// <summary>Length of the text in characters.</summary>
    public int TextLength { get; }

    /// <summary>The maximum number of tokens ([CLS] and [SEP] included).</summary>
    public int MaxLength { get; }
}
