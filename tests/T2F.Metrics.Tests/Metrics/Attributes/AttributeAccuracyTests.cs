using T2F.Core.Data;
using T2F.Core.Metrics.Attributes;
using TorchSharp;
using Xunit;
using A = T2F.Core.Data.CelebAAttribute;

namespace T2F.Core.Tests.Metrics.Attributes;

public class AttributeAccuracyTests
{
    [Fact]
    public void CountsStatedFoundAndAbsentNotFoundPerAttributeAndOverall()
    {
        var judged = AttributeSet.Of(A.Male, A.Smiling);
        var described = new[] { AttributeSet.Of(A.Male, A.Smiling), AttributeSet.Of(A.Male), AttributeSet.Empty, AttributeSet.Of(A.Smiling, A.Bald) };
        var found = new[] { AttributeSet.Of(A.Male), AttributeSet.Of(A.Male, A.Smiling), AttributeSet.Empty, AttributeSet.Of(A.Smiling) };
        var r = AttributeAccuracy.Compute(found, described, judged, "test");

        Assert.Equal(2, r.PerAttribute.Count); // Bald is not judged
        var male = r.PerAttribute[0];
        Assert.Equal(A.Male, male.Attribute);
        Assert.Equal((2, 2, 2, 2), (male.StatedCount, male.StatedFound, male.AbsentCount, male.AbsentNotFound));
        Assert.Equal(1.0, male.Accuracy);
        var smiling = r.PerAttribute[1];
        Assert.Equal((2, 1, 2, 1), (smiling.StatedCount, smiling.StatedFound, smiling.AbsentCount, smiling.AbsentNotFound));
        Assert.Equal(0.5, smiling.StatedAccuracy);
        Assert.Equal(0.5, smiling.AbsentAccuracy);
        Assert.Equal(3.0 / 4, r.StatedAccuracy);
        Assert.Equal(3.0 / 4, r.AbsentAccuracy);
        Assert.Equal(6.0 / 8, r.Accuracy);
        Assert.Equal("test", r.ClassifierName);
        Assert.Equal(4, r.Count);
    }

    [Fact]
    public void NeverStatedGivesNaNNotAnError()
    {
        var r = AttributeAccuracy.Compute([AttributeSet.Empty], [AttributeSet.Empty], AttributeSet.Of(A.Bald), "t");
        Assert.True(double.IsNaN(r.StatedAccuracy));
        Assert.Equal(1.0, r.AbsentAccuracy);
    }

    [Fact]
    public void MismatchedCountsAreRejected()
        => Assert.Throws<ArgumentException>(() => AttributeAccuracy.Compute([AttributeSet.Empty], [], AttributeSet.All, "t"));

    [Fact]
    public void ThresholdsProbabilitiesIntoSets()
    {
        var p = torch.zeros(2, CelebAAttributes.Count);
        p[0, (int)A.Male] = torch.tensor(0.7f);
        p[1, (int)A.Smiling] = torch.tensor(0.5f);
        p[1, (int)A.Blurry] = torch.tensor(0.9f);
        var sets = AttributeClassifier.ToSets(p, AttributeSet.All.Without(A.Blurry));
        Assert.Equal(AttributeSet.Of(A.Male), sets[0]);
        Assert.Equal(AttributeSet.Of(A.Smiling), sets[1]);
    }
}
