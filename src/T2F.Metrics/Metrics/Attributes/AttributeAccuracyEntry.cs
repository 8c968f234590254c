using T2F.Core.Data;

namespace T2F.Core.Metrics.Attributes;

/// <summary>Attribute accuracy of one attribute.</summary>
/// <param name="Attribute">The attribute.</param>
/// <param name="StatedCount">Images whose description states the attribute.</param>
/// <param name="StatedFound">Of those, how many the classifier finds it in.</param>
/// <param name="AbsentCount">Images whose description does not state it.</param>
/// <param name="AbsentNotFound">Of those, how many the classifier does not find it in.</param>
public sealed record AttributeAccuracyEntry(CelebAAttribute Attribute, int StatedCount, int StatedFound, int AbsentCount, int AbsentNotFound)
{
    /// <summary>Official CelebA name.</summary>
    public string Name => CelebAAttributes.Name(Attribute);

    /// <summary>Fraction of stated cases found (NaN when never stated).</summary>
    public double StatedAccuracy => StatedCount == 0 ? double.NaN : (double)StatedFound / StatedCount;

    /// <summary>Fraction of absent cases not found (NaN when never absent).</summary>
    public double AbsentAccuracy => AbsentCount == 0 ? double.NaN : (double)AbsentNotFound / AbsentCount;

    /// <summary>Fraction of all decisions that agree with the description.</summary>
    public double Accuracy => StatedCount + AbsentCount == 0 ? double.NaN : (double)(StatedFound + AbsentNotFound) / (StatedCount + AbsentCount);
}
