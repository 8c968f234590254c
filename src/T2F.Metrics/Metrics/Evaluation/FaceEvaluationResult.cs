using T2F.Core.Metrics.Attributes;

namespace T2F.Core.Metrics.Evaluation;

/// <summary>
/// The numbers of one <see cref="FaceEvaluator.Evaluate"/> run, each with the network that measured it: report the
/// names beside the numbers, since numbers from other networks are not comparable.
/// </summary>
/// <param name="Generator">What was evaluated and how face i was made (<see cref="FaceSource.Describe"/>).</param>
/// <param name="Count">Faces evaluated: the dataset's first Count.</param>
/// <param name="Resolution">Size of the real and generated faces.</param>
/// <param name="Seed">The seed of the generated faces.</param>
/// <param name="FeatureName">The identity features behind Fréchet distance, similarity, FSD and diversity.</param>
/// <param name="FrechetDistance">Fréchet distance between the real and the generated faces' identity features (not FID: FID needs Inception features).</param>
/// <param name="Similarity">Paired similarity of generated face i with real face i: cosine (raw and centred) and FSD (mean distance).</param>
/// <param name="Attributes">Attribute accuracy of the generated faces against their images' attributes, per attribute and overall.</param>
/// <param name="GroundTruthAttributes">The same classifier on the real faces: the ceiling the classifier allows on this data.</param>
/// <param name="Diversity">Mean pairwise identity-feature distance between faces of one description, over the diversity groups.</param>
/// <param name="DiversityFaces">Faces per description in a diversity group.</param>
/// <param name="DiversityDescriptions">Descriptions with a diversity group: the first min(Count, 16).</param>
public sealed record FaceEvaluationResult(
    string Generator,
    int Count,
    int Resolution,
    long Seed,
    string FeatureName,
    double FrechetDistance,
    PairedSimilarityResult Similarity,
    AttributeAccuracyResult Attributes,
    AttributeAccuracyResult GroundTruthAttributes,
    double Diversity,
    int DiversityFaces,
    int DiversityDescriptions);
