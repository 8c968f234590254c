namespace T2F.Core.Data;

/// <summary>
/// A data file (CelebA attribute or partition list, caption file) is malformed. The message starts with
/// <c>file:line:</c> and says what was expected, what was found and how to fix it.
/// </summary>
public class DataFormatException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DataFormatException()
        : base("The data file is malformed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    /// <param name="innerException">The underlying error.</param>
    public DataFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one line of one file; the message is prefixed with <c>file:line: </c>.</summary>
    /// <param name="filePath">The file (or a name for a stream).</param>
    /// <param name="lineNumber">1-based line number, 0 when the problem is the file as a whole.</param>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    public DataFormatException(string filePath, int lineNumber, string message)
        : base(lineNumber > 0 ? $"{filePath}:{lineNumber}: {message}" : $"{filePath}: {message}")
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>The file that is malformed, when known.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line of the problem; 0 when unknown or about the whole file.</summary>
    public int LineNumber { get; }
}
