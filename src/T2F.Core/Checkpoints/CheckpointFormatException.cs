namespace T2F.Core.Checkpoints;

/// <summary>
/// A checkpoint or tensor file is not in the expected format, is damaged or truncated, or holds something that
/// cannot be read safely. The message names the file, what was expected, what was found and how to fix it.
/// </summary>
/// <remarks>
/// It derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed; the original
/// <see cref="InvalidDataException"/> of a damaged zip archive is kept as <see cref="Exception.InnerException"/>.
/// </remarks>
public class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CheckpointFormatException()
        : base("The checkpoint file is not in a supported format.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    /// <param name="innerException">The underlying error.</param>
    public CheckpointFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
