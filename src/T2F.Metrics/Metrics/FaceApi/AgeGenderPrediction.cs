using static TorchSharp.torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>Output of <see cref="AgeGenderNet"/> for a batch; the caller disposes it.</summary>
/// <param name="Age">[N] estimated age in years (a regression).</param>
/// <param name="Gender">[N, 2] softmax over (male, female).</param>
public sealed record AgeGenderPrediction(Tensor Age, Tensor Gender) : IDisposable
{
    /// <summary>Index of "male" in <see cref="Gender"/>.</summary>
    public const int Male = 0;

    /// <summary>Index of "female" in <see cref="Gender"/>.</summary>
    public const int Female = 1;

    /// <inheritdoc />
    public void Dispose()
    {
        Age.Dispose();
        Gender.Dispose();
    }
}
