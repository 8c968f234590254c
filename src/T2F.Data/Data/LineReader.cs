namespace T2F.Core.Data;

/// <summary>Reads lines and counts them (1-based), skipping blank lines on request.</summary>
internal sealed class LineReader(TextReader reader)
{
    private int number;

    public bool NextNonEmpty(out string line, out int lineNumber)
    {
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(text))
            {
                line = text;
                lineNumber = number;
                return true;
            }
        }

        line = string.Empty;
        lineNumber = number;
        return false;
    }
}
