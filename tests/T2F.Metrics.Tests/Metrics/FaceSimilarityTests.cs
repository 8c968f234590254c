using T2F.Core.Metrics;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics;

public sealed class FaceSimilarityTests
{
    [Fact]
    public void KnownPairsGiveKnownNumbers()
    {
        using var scope = torch.NewDisposeScope();

        // Pair 0: identical (distance 0, cosine 1). Pair 1: orthogonal unit vectors (distance sqrt 2, cosine 0).
        var generated = torch.tensor(new double[] { 1, 0, 0, 1 }, new long[] { 2, 2 });
        var truth = torch.tensor(new double[] { 1, 0, 1, 0 }, new long[] { 2, 2 });
        var result = FaceSimilarity.Compare(generated, truth, "test", centre: torch.zeros(2));
        Assert.Equal(2, result.Count);
        Assert.Equal(0.5, result.MeanCosine, 12);
        Assert.Equal(0.5, result.MeanCentredCosine, 12);
        Assert.Equal(Math.Sqrt(2) / 2, result.MeanDistance, 12);
        Assert.Equal(0.5, result.MatchRate, 12);
        Assert.Equal("test", result.FeatureName);
    }

    [Fact]
    public void CentringRemovesASharedOffset()
    {
        // Descriptors that share a large common component look alike by raw cosine (as face descriptors do, ~0.9)
        // but not after centring.
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(1);
        var offset = torch.full(1, 16, 2.0, dtype: ScalarType.Float64);
        var generated = torch.randn(new long[] { 200, 16 }, ScalarType.Float64, generator: generator) + offset;
        var truth = torch.randn(new long[] { 200, 16 }, ScalarType.Float64, generator: generator) + offset;
        var result = FaceSimilarity.Compare(generated, truth, "test");
        Assert.True(result.MeanCosine > 0.6, $"raw cosine {result.MeanCosine}");
        Assert.InRange(result.MeanCentredCosine, -0.1, 0.1);
        Assert.Equal(16, result.Centre.Count);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => FaceSimilarity.Compare(torch.zeros(3, 4), torch.zeros(2, 4), "test"));
    }
}
