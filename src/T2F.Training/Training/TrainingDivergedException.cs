namespace T2F.Core.Training;

/// <summary>A loss became NaN or infinite: the run stopped; the message names the step and the last good checkpoint.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Step, loss and checkpoint.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Message.</param>
    /// <param name="inner">Cause.</param>
    public TrainingDivergedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
