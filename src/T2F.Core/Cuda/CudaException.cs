namespace T2F.Core.Cuda;

/// <summary>A CUDA driver or NVRTC call failed, or CUDA is not available; the message names the call and the error.</summary>
public sealed class CudaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, with the CUDA error name.</param>
    public CudaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="inner">The underlying error.</param>
    public CudaException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CudaException()
    {
    }
}
