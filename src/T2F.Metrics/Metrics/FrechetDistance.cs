using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics;

/// <summary>
/// The Fréchet distance between two multivariate Gaussians, <c>d² = |mu1 - mu2|² + Tr(S1 + S2 - 2 sqrt(S1 S2))</c>
/// (Dowson and Landau 1982; FID when the features are InceptionV3 pool features), exact in double precision.
/// </summary>
/// <remarks>
/// <para>
/// pytorch-fid takes a general (Schur) matrix square root of the non-symmetric product <c>S1 S2</c>. Here the
/// symmetric route is used instead: with the PSD square roots <c>A = sqrt(S1)</c> and <c>B = sqrt(S2)</c> (from
/// two symmetric eigendecompositions, <c>torch.linalg.eigh</c> in float64), <c>S1 S2</c> has the same
/// eigenvalues as <c>A S2 A = (BA)ᵀ(BA)</c>, so <c>Tr(sqrt(S1 S2))</c> is the sum of the singular values of
/// <c>BA</c>. Taking the square roots before the last decomposition keeps the rounding error of near-zero
/// eigenvalues at <c>ε·|S|</c> instead of <c>sqrt(ε)·|S|</c>, so singular covariances (fewer samples than
/// dimensions) give 0 for identical sets and need no special care.
/// </para>
/// <para>
/// Robustness follows pytorch-fid's <c>calculate_frechet_distance</c>: rounding can leave eigenvalues slightly below
/// zero, whose square roots are imaginary; those imaginary parts are dropped when they are below
/// <c>imaginaryTolerance</c> (pytorch-fid's 1e-3) and the call fails loudly when they are not (the inputs are
/// then not covariance matrices). Eigenvalues below the solver's rounding floor <c>D·ε·λmax</c> count as zero. When the decomposition fails or gives non-finite values, <c>eps·I</c> is added to
/// both covariances and the computation is repeated, as pytorch-fid does.
/// </para>
/// </remarks>
public static class FrechetDistance
{
    /// <summary>pytorch-fid's default offset.</summary>
    public const double DefaultEpsilon = 1e-6;

    /// <summary>pytorch-fid's tolerance on the imaginary part of the square root.</summary>
    public const double DefaultImaginaryTolerance = 1e-3;

    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The Fréchet distance between two sets of statistics.</summary>
    /// <param name="first">Statistics of the first set (e.g. generated images).</param>
    /// <param name="second">Statistics of the second set (e.g. real images).</param>
    /// <param name="epsilon">Offset added to the diagonals when the plain computation is not finite.</param>
    /// <param name="imaginaryTolerance">Largest imaginary part of the square root that may be dropped.</param>
    public static double Compute(GaussianStatistics first, GaussianStatistics second, double epsilon = DefaultEpsilon, double imaginaryTolerance = DefaultImaginaryTolerance)
        => ComputeDetailed(first, second, epsilon, imaginaryTolerance).Distance;

    /// <summary>The Fréchet distance and its terms.</summary>
    /// <param name="first">Statistics of the first set (e.g. generated images).</param>
    /// <param name="second">Statistics of the second set (e.g. real images).</param>
    /// <param name="epsilon">Offset added to the diagonals when the plain computation is not finite.</param>
    /// <param name="imaginaryTolerance">Largest imaginary part of the square root that may be dropped.</param>
    /// <exception cref="ArgumentException">The dimensions differ, or a matrix is not a covariance (the imaginary part is not tiny).</exception>
    public static FrechetDistanceResult ComputeDetailed(GaussianStatistics first, GaussianStatistics second, double epsilon = DefaultEpsilon, double imaginaryTolerance = DefaultImaginaryTolerance)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dimension != second.Dimension)
        {
            throw new ArgumentException($"The two sets have different feature sizes ({first.Dimension} and {second.Dimension}): compare statistics from the same feature extractor.", nameof(second));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(imaginaryTolerance);

        int d = first.Dimension;
        double meanTerm = 0;
        for (int i = 0; i < d; i++)
        {
            double diff = first.Mean[i] - second.Mean[i];
            meanTerm += diff * diff;
        }

        double trace1 = 0, trace2 = 0;
        for (int i = 0; i < d; i++)
        {
            trace1 += first.CovarianceAt(i, i);
            trace2 += second.CovarianceAt(i, i);
        }

        bool offsetApplied = false;
        (double traceSqrt, double maxImaginary)? root = TryTraceSqrtProduct(first.Covariance, second.Covariance, d, 0);
        if (root is null)
        {
            offsetApplied = true;
            root = TryTraceSqrtProduct(first.Covariance, second.Covariance, d, epsilon)
                ?? throw new ArgumentException($"The matrix square root of the covariance product is not finite even after adding {epsilon}·I: the statistics are degenerate.", nameof(first));
        }

        var (tr, imag) = root.Value;
        if (imag > imaginaryTolerance)
        {
            throw new ArgumentException($"The square root of the covariance product has an imaginary component {imag:E3} (tolerance {imaginaryTolerance:E1}): the matrices are not positive semi-definite, so they are not covariances of the same feature space.", nameof(first));
        }

        double traceTerm = trace1 + trace2 - (2 * tr);
        return new FrechetDistanceResult(meanTerm + traceTerm, meanTerm, traceTerm, tr, imag, offsetApplied);
    }

    /// <summary>
    /// <c>Tr(sqrt(S1 S2))</c> as the nuclear norm of <c>sqrt(S2) sqrt(S1)</c>, and the largest imaginary part that was
    /// dropped; null when a decomposition fails or the result is not finite.
    /// </summary>
    private static (double TraceSqrt, double MaxImaginary)? TryTraceSqrtProduct(double[] s1, double[] s2, int d, double offset)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(s1, new long[] { d, d }, ScalarType.Float64);
        var b = torch.tensor(s2, new long[] { d, d }, ScalarType.Float64);
        if (offset > 0)
        {
            var eye = torch.eye(d, dtype: ScalarType.Float64) * offset;
            a = a + eye;
            b = b + eye;
        }

        double[] singular;
        double minEigen;
        try
        {
            var (sqrtA, minA) = SymmetricSqrt(a, d);
            var (sqrtB, minB) = SymmetricSqrt(b, d);
            minEigen = Math.Min(minA, minB);
            singular = torch.linalg.svdvals(sqrtB.matmul(sqrtA)).data<double>().ToArray();
        }
        catch (ExternalException)
        {
            return null;
        }

        if (!double.IsFinite(minEigen) || singular.Any(v => !double.IsFinite(v)))
        {
            return null;
        }

        // A negative eigenvalue of S1 or S2 is an imaginary part of its square root, and so of sqrt(S1 S2).
        double imaginary = Math.Sqrt(Math.Max(0, -minEigen));
        double trace = 0;
        foreach (double v in singular.OrderBy(v => v))
        {
            trace += v;
        }

        return (trace, imaginary);
    }

    /// <summary>
    /// The PSD square root <c>U diag(sqrt(λ)) Uᵀ</c> of a symmetric matrix and its smallest eigenvalue. Eigenvalues
    /// below the rounding floor <c>D·ε·λmax</c> (negative ones included) are set to zero: the eigensolver cannot tell
    /// them from zero, and their square roots (about <c>sqrt(ε)</c>) would otherwise add noise to the trace.
    /// </summary>
    private static (Tensor Sqrt, double MinEigenvalue) SymmetricSqrt(Tensor s, int d)
    {
        // eigh reads one triangle only; symmetrise so that both triangles count equally.
        var sym = (s + s.t()) * 0.5;
        var (lambda, vectors) = torch.linalg.eigh(sym);
        var values = lambda.data<double>().ToArray();
        double max = values.Length == 0 ? 0 : Math.Max(0, values.Max());
        double floor = d * MachineEpsilon * max;
        var roots = values.Select(v => v > floor ? Math.Sqrt(v) : 0.0).ToArray();
        var rootTensor = torch.tensor(roots, ScalarType.Float64);
        var sqrt = (vectors * rootTensor.unsqueeze(0)).matmul(vectors.t());
        return (sqrt, values.Length == 0 ? 0 : values.Min());
    }
}
