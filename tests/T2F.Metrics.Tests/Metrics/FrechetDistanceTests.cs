using System.Diagnostics;
using T2F.Core.Metrics;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics;

public sealed class FrechetDistanceTests
{
    private readonly ITestOutputHelper output;

    public FrechetDistanceTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void IdenticalSetsGiveZero()
    {
        var stats = GaussianStatistics.FromVectors(RandomVectors(500, 64, seed: 1, scale: 3.0));
        var result = FrechetDistance.ComputeDetailed(stats, stats);
        Assert.InRange(result.Distance, -1e-6, 1e-6);
        Assert.False(result.OffsetApplied);
    }

    [Fact]
    public void OneDimensionMatchesClosedForm()
    {
        // d² = (m1 - m2)² + (s1 - s2)² for N(m1, s1²) and N(m2, s2²).
        var a = new GaussianStatistics(new[] { 1.5 }, new[] { 4.0 }, 0);
        var b = new GaussianStatistics(new[] { -0.5 }, new[] { 0.25 }, 0);
        Assert.Equal(4.0 + (1.5 * 1.5), FrechetDistance.Compute(a, b), 12);
    }

    [Fact]
    public void CommutingCovariancesMatchClosedForm()
    {
        // S1 = Q diag(a) Qᵀ, S2 = Q diag(b) Qᵀ: d² = |mu1 - mu2|² + Σ (sqrt(a_i) - sqrt(b_i))².
        const int d = 48;
        var rng = new Random(7);
        var q = RandomOrthogonal(d, rng);
        var ea = Enumerable.Range(0, d).Select(_ => 0.1 + (rng.NextDouble() * 5)).ToArray();
        var eb = Enumerable.Range(0, d).Select(_ => 0.1 + (rng.NextDouble() * 5)).ToArray();
        var mu1 = Enumerable.Range(0, d).Select(_ => rng.NextDouble()).ToArray();
        var mu2 = Enumerable.Range(0, d).Select(_ => rng.NextDouble()).ToArray();
        var a = new GaussianStatistics(mu1, Compose(q, ea), 0);
        var b = new GaussianStatistics(mu2, Compose(q, eb), 0);
        double expected = mu1.Zip(mu2, (x, y) => (x - y) * (x - y)).Sum() + ea.Zip(eb, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();
        var result = FrechetDistance.ComputeDetailed(a, b);
        Assert.Equal(expected, result.Distance, 9);
        Assert.Equal(mu1.Zip(mu2, (x, y) => (x - y) * (x - y)).Sum(), result.MeanTerm, 12);
    }

    [Fact]
    public void GeneralCovariancesMatchEigenvaluesOfTheProduct()
    {
        // Independent route: the eigenvalues of the non-symmetric S1 S2 (complex eigensolver) are real and >= 0.
        const int d = 40;
        var a = GaussianStatistics.FromVectors(RandomVectors(300, d, seed: 3, scale: 1.0));
        var b = GaussianStatistics.FromVectors(RandomVectors(200, d, seed: 4, scale: 2.0, shift: 0.5));
        using var scope = torch.NewDisposeScope();
        var product = torch.tensor(a.Covariance, new long[] { d, d }, ScalarType.Float64).matmul(torch.tensor(b.Covariance, new long[] { d, d }, ScalarType.Float64));
        var eig = torch.linalg.eigvals(product);
        var re = torch.real(eig).data<double>().ToArray();
        var im = torch.imag(eig).data<double>().ToArray();
        Assert.All(im, v => Assert.InRange(v, -1e-9, 1e-9));
        double traceSqrt = re.Sum(v => Math.Sqrt(Math.Max(v, 0)));
        var result = FrechetDistance.ComputeDetailed(a, b);
        Assert.Equal(traceSqrt, result.TraceSqrtProduct, 9);
    }

    [Fact]
    public void RankDeficientCovarianceDoesNotCrash()
    {
        // 10 samples in 64 dimensions: rank 9, like FID on fewer images than 2048.
        var few = GaussianStatistics.FromVectors(RandomVectors(10, 64, seed: 5, scale: 1.0));
        var many = GaussianStatistics.FromVectors(RandomVectors(400, 64, seed: 6, scale: 1.0));
        var self = FrechetDistance.ComputeDetailed(few, few);
        Assert.InRange(self.Distance, -1e-6, 1e-6);
        var cross = FrechetDistance.ComputeDetailed(few, many);
        Assert.True(double.IsFinite(cross.Distance) && cross.Distance > 0, $"distance {cross.Distance}");
        var zero = new GaussianStatistics(new double[64], new double[64 * 64], 0);
        var withZero = FrechetDistance.ComputeDetailed(zero, many);
        double traceMany = Enumerable.Range(0, 64).Sum(i => many.CovarianceAt(i, i));
        Assert.Equal(many.Mean.Sum(v => v * v) + traceMany, withZero.Distance, 9);
    }

    [Fact]
    public void NonCovarianceFailsLoudly()
    {
        var bad = new GaussianStatistics(new double[2], new[] { 1.0, 0.0, 0.0, -4.0 }, 0);
        var good = new GaussianStatistics(new double[2], new[] { 1.0, 0.0, 0.0, 1.0 }, 0);
        var ex = Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(bad, good));
        Assert.Contains("imaginary", ex.Message);
    }

    [Fact]
    public void DifferentDimensionsAreRejected()
    {
        var a = new GaussianStatistics(new double[2], new double[4], 0);
        var b = new GaussianStatistics(new double[3], new double[9], 0);
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(a, b));
    }

    [Fact]
    public void SamplesOfKnownGaussiansApproachTheClosedForm()
    {
        // N(0, I) vs N(1, 4I) in 8 dimensions: d² = 8·1 + 8·(2 - 1)² = 16.
        const int d = 8;
        using var acc1 = new FeatureStatisticsAccumulator(d);
        using var acc2 = new FeatureStatisticsAccumulator(d);
        using (torch.NewDisposeScope())
        {
            var generator = new torch.Generator(11);
            for (int i = 0; i < 20; i++)
            {
                acc1.Add(torch.randn(new long[] { 5000, d }, ScalarType.Float64, generator: generator));
                acc2.Add((torch.randn(new long[] { 5000, d }, ScalarType.Float64, generator: generator) * 2) + 1);
            }
        }

        double fd = FrechetDistance.Compute(acc1.ToStatistics(), acc2.ToStatistics());
        Assert.InRange(fd, 15.7, 16.3);
    }

    [Fact]
    public void LargeRankDeficientSetWithItselfGivesZero()
    {
        // Fewer images than dimensions (rank 255 of 512; FID is 2048-d, about 64x the cost). Also reports the time of
        // two eigendecompositions and one SVD in float64 (bounded loosely: the build machine is shared).
        const int d = 512;
        GaussianStatistics stats;
        using (torch.NewDisposeScope())
        {
            using var acc = new FeatureStatisticsAccumulator(d);
            acc.Add(torch.rand(new long[] { d / 2, d }, ScalarType.Float64, generator: new torch.Generator(3)));
            stats = acc.ToStatistics();
        }

        var watch = Stopwatch.StartNew();
        var result = FrechetDistance.ComputeDetailed(stats, stats);
        watch.Stop();
        output.WriteLine($"FD {d}-d, rank {(d / 2) - 1}, set with itself: {result.Distance:E3} in {watch.Elapsed.TotalSeconds:F2} s (imaginary part dropped {result.MaxImaginary:E2})");
        Assert.InRange(result.Distance, -1e-6, 1e-6);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 120);
    }

    internal static List<double[]> RandomVectors(int count, int d, int seed, double scale, double shift = 0)
    {
        var rng = new Random(seed);
        var mix = Enumerable.Range(0, d * d).Select(_ => Gaussian(rng) / Math.Sqrt(d)).ToArray();
        var result = new List<double[]>(count);
        for (int n = 0; n < count; n++)
        {
            var z = Enumerable.Range(0, d).Select(_ => Gaussian(rng)).ToArray();
            var v = new double[d];
            for (int i = 0; i < d; i++)
            {
                double s = shift;
                for (int j = 0; j < d; j++)
                {
                    s += mix[(i * d) + j] * z[j] * scale;
                }

                v[i] = s;
            }

            result.Add(v);
        }

        return result;
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double[] RandomOrthogonal(int d, Random rng)
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.tensor(Enumerable.Range(0, d * d).Select(_ => Gaussian(rng)).ToArray(), new long[] { d, d }, ScalarType.Float64);
        var (q, _) = torch.linalg.qr(m);
        return q.contiguous().data<double>().ToArray();
    }

    private static double[] Compose(double[] q, double[] eigen)
    {
        int d = eigen.Length;
        var s = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int k = 0; k < d; k++)
                {
                    sum += q[(i * d) + k] * eigen[k] * q[(j * d) + k];
                }

                s[(i * d) + j] = sum;
            }
        }

        return s;
    }
}
