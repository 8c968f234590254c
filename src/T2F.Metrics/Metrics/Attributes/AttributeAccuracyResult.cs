namespace T2F.Core.Metrics.Attributes;

/// <summary>Result of <see cref="AttributeAccuracy.Compute(AttributeClassifier, TorchSharp.torch.Tensor, IReadOnlyList{Data.AttributeSet}, double)"/>.</summary>
/// <param name="ClassifierName">The classifier (report it beside the numbers).</param>
/// <param name="Count">Number of images.</param>
/// <param name="StatedAccuracy">Over all (image, stated attribute) pairs: fraction found.</param>
/// <param name="AbsentAccuracy">Over all (image, judged attribute not stated) pairs: fraction not found.</param>
/// <param name="Accuracy">Over all judged (image, attribute) pairs: fraction of decisions that agree with the description.</param>
/// <param name="PerAttribute">One entry per judged attribute, in column order.</param>
public sealed record AttributeAccuracyResult(string ClassifierName, int Count, double StatedAccuracy, double AbsentAccuracy, double Accuracy, IReadOnlyList<AttributeAccuracyEntry> PerAttribute)
{
    /// <summary>Mean of <see cref="StatedAccuracy"/> and <see cref="AbsentAccuracy"/> (balanced accuracy).</summary>
    public double BalancedAccuracy => (StatedAccuracy + AbsentAccuracy) / 2;
}
