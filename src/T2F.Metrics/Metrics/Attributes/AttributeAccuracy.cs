using T2F.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.Attributes;

/// <summary>
/// Attribute accuracy of generated faces: for the attributes a description states, the fraction the classifier finds in
/// the face generated from it; for the judged attributes it does not state, the fraction the classifier does not find;
/// per attribute and overall. Only attributes the classifier was trained on are judged.
/// </summary>
public static class AttributeAccuracy
{
    /// <summary>Classifies <paramref name="images"/> and compares with the described attributes.</summary>
    /// <param name="classifier">The attribute classifier.</param>
    /// <param name="images">[N, 3, H, W] generated faces in [-1, 1].</param>
    /// <param name="described">N attribute sets: what the description of each image states.</param>
    /// <param name="threshold">Probability at or above which an attribute counts as found (default 0.5).</param>
    public static AttributeAccuracyResult Compute(AttributeClassifier classifier, Tensor images, IReadOnlyList<AttributeSet> described, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        using var scope = torch.NewDisposeScope();
        var found = AttributeClassifier.ToSets(classifier.Predict(images).cpu(), classifier.TrainedAttributes, threshold);
        return Compute(found, described, classifier.TrainedAttributes, classifier.Name);
    }

    /// <summary>Compares found with described attribute sets.</summary>
    /// <param name="found">N sets: what the classifier found in each image.</param>
    /// <param name="described">N sets: what each description states.</param>
    /// <param name="judged">The attributes to judge (the classifier's trained ones).</param>
    /// <param name="classifierName">Reported with the numbers.</param>
    public static AttributeAccuracyResult Compute(IReadOnlyList<AttributeSet> found, IReadOnlyList<AttributeSet> described, AttributeSet judged, string classifierName)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(described);
        if (found.Count != described.Count || found.Count == 0)
        {
            throw new ArgumentException($"Need one described set per image and at least one image; got {found.Count} and {described.Count}.", nameof(described));
        }

        var entries = new List<AttributeAccuracyEntry>();
        long stated = 0, statedFound = 0, absent = 0, absentNotFound = 0;
        foreach (var attribute in judged)
        {
            int s = 0, sf = 0, a = 0, anf = 0;
            for (int i = 0; i < found.Count; i++)
            {
                bool isStated = described[i].Contains(attribute), isFound = found[i].Contains(attribute);
                if (isStated)
                {
                    s++;
                    sf += isFound ? 1 : 0;
                }
                else
                {
                    a++;
                    anf += isFound ? 0 : 1;
                }
            }

            entries.Add(new AttributeAccuracyEntry(attribute, s, sf, a, anf));
            stated += s;
            statedFound += sf;
            absent += a;
            absentNotFound += anf;
        }

        double Ratio(long x, long y) => y == 0 ? double.NaN : (double)x / y;
        return new AttributeAccuracyResult(classifierName, found.Count, Ratio(statedFound, stated), Ratio(absentNotFound, absent), Ratio(statedFound + absentNotFound, stated + absent), entries);
    }
}
