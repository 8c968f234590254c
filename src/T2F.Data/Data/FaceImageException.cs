namespace T2F.Core.Data;

/// <summary>An image of a data set is missing, unreadable or not a decodable image. The message names the file.</summary>
public class FaceImageException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public FaceImageException()
        : base("A data set image could not be read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public FaceImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FaceImageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one image file.</summary>
    /// <param name="imagePath">The file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public FaceImageException(string imagePath, string problem, Exception? innerException)
        : base($"{imagePath}: {problem} Replace or delete the file (and its row in the attribute list), or open the data set with BadImages = BadImagePolicy.Skip.", innerException)
    {
        ImagePath = imagePath;
    }

    /// <summary>The image file, when known.</summary>
    public string? ImagePath { get; }
}
