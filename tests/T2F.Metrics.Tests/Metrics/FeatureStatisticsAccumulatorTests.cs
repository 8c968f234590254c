using T2F.Core.Metrics;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics;

public sealed class FeatureStatisticsAccumulatorTests
{
    [Fact]
    public void BatchesOfAnySizeGiveTheTwoPassStatistics()
    {
        var vectors = FrechetDistanceTests.RandomVectors(157, 12, seed: 2, scale: 5.0, shift: 100.0);
        var expected = GaussianStatistics.FromVectors(vectors);
        using var acc = new FeatureStatisticsAccumulator(12);
        int start = 0;
        foreach (int size in new[] { 1, 7, 64, 3, 50, 32 })
        {
            using var scope = torch.NewDisposeScope();
            var batch = vectors.Skip(start).Take(size).SelectMany(v => v).ToArray();
            acc.Add(torch.tensor(batch, new long[] { size, 12 }, ScalarType.Float64).to(ScalarType.Float32).to(ScalarType.Float64));
            start += size;
        }

        // The float32 round trip above changes the inputs by ~1e-5 relative; compare against the same inputs instead.
        var rounded = vectors.Select(v => v.Select(x => (double)(float)x).ToArray()).ToList();
        var exact = GaussianStatistics.FromVectors(rounded);
        var actual = acc.ToStatistics();
        Assert.Equal(157, actual.Count);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(exact.Mean[i], actual.Mean[i], 10);
        }

        for (int k = 0; k < exact.Covariance.Length; k++)
        {
            Assert.True(Math.Abs(exact.Covariance[k] - actual.Covariance[k]) < 1e-9 * Math.Max(1, Math.Abs(exact.Covariance[k])), $"covariance {k}: {actual.Covariance[k]} vs {exact.Covariance[k]}");
        }

        Assert.True(FrechetDistance.Compute(expected, actual) < 1e-3);
    }

    [Fact]
    public void FewerThanTwoVectorsIsAnError()
    {
        using var acc = new FeatureStatisticsAccumulator(3);
        acc.Add(new double[] { 1, 2, 3 });
        Assert.Throws<InvalidOperationException>(() => acc.ToStatistics());
    }

    [Fact]
    public void WrongShapeAndNaNAreRejected()
    {
        using var acc = new FeatureStatisticsAccumulator(3);
        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => acc.Add(torch.zeros(4, 5)));
        Assert.Throws<ArgumentException>(() => acc.Add(torch.full(2, 3, double.NaN)));
    }

    [Fact]
    public void StatisticsRoundTripThroughSafeTensors()
    {
        var stats = GaussianStatistics.FromVectors(FrechetDistanceTests.RandomVectors(20, 5, seed: 9, scale: 1.0));
        using var temp = new TempFolder();
        string path = temp.File("stats.safetensors");
        stats.Save(path);
        var loaded = GaussianStatistics.Load(path);
        Assert.Equal(stats.Mean, loaded.Mean);
        Assert.Equal(stats.Covariance, loaded.Covariance);
        Assert.Equal(20, loaded.Count);
    }
}
