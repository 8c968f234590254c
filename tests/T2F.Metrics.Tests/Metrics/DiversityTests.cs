using T2F.Core.Metrics;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics;

public sealed class DiversityTests
{
    [Fact]
    public void IdenticalFacesHaveZeroDiversity()
    {
        using var scope = torch.NewDisposeScope();
        var same = torch.ones(5, 8);
        Assert.Equal(0, Diversity.MeanPairwiseDistance(same), 12);
        Assert.Equal(0, Diversity.MeanPairwiseDistance(same, DistanceKind.Cosine), 12);
    }

    [Fact]
    public void PairwiseMeanOfKnownPoints()
    {
        // Corners of a unit right triangle: distances 1, 1, sqrt 2.
        using var scope = torch.NewDisposeScope();
        var points = torch.tensor(new double[] { 0, 0, 1, 0, 0, 1 }, new long[] { 3, 2 });
        Assert.Equal((2 + Math.Sqrt(2)) / 3, Diversity.MeanPairwiseDistance(points), 12);

        // Cosine distances of (1,0), (0,1), (1,1): 1, 1 - 1/sqrt 2, 1 - 1/sqrt 2.
        var directions = torch.tensor(new double[] { 1, 0, 0, 1, 1, 1 }, new long[] { 3, 2 });
        Assert.Equal((3 - Math.Sqrt(2)) / 3, Diversity.MeanPairwiseDistance(directions, DistanceKind.Cosine), 12);
        Assert.Equal(((2 + Math.Sqrt(2)) / 3 + 0) / 2, Diversity.MeanOverGroups(new[] { points, torch.zeros(2, 2) }), 12);
    }

    [Fact]
    public void OneFaceIsAnError()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Diversity.MeanPairwiseDistance(torch.zeros(1, 4)));
    }
}
