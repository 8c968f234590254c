namespace T2F.Core.Metrics;

/// <summary>The Fréchet distance between two Gaussians and the terms it is made of.</summary>
/// <param name="Distance"><c>|mu1 - mu2|² + Tr(S1) + Tr(S2) - 2 Tr(sqrt(S1 S2))</c>.</param>
/// <param name="MeanTerm"><c>|mu1 - mu2|²</c>.</param>
/// <param name="TraceTerm"><c>Tr(S1) + Tr(S2) - 2 Tr(sqrt(S1 S2))</c>.</param>
/// <param name="TraceSqrtProduct"><c>Tr(sqrt(S1 S2))</c>.</param>
/// <param name="MaxImaginary">
/// The largest imaginary part that rounding put into the square root's eigenvalues (<c>sqrt(-λ)</c> of the most
/// negative eigenvalue); it was dropped. pytorch-fid drops it the same way.
/// </param>
/// <param name="OffsetApplied">True when <c>eps·I</c> had to be added to both covariances (pytorch-fid's fallback).</param>
public sealed record FrechetDistanceResult(
    double Distance,
    double MeanTerm,
    double TraceTerm,
    double TraceSqrtProduct,
    double MaxImaginary,
    bool OffsetApplied);
