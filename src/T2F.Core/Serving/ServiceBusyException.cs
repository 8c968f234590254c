namespace T2F.Core.Serving;

/// <summary>
/// A <see cref="TextToFaceService"/> refused a request because its queue is full: the caller should retry later (a web
/// service answers 503 or 429 with a Retry-After header) instead of the queue growing without limit.
/// </summary>
public sealed class ServiceBusyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ServiceBusyException()
        : this("The text-to-face service is busy; retry later.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public ServiceBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public ServiceBusyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A hint for Retry-After: about how long the requests ahead take.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
