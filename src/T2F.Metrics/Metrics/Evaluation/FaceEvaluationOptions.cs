using System.Globalization;
using T2F.Core.Pipeline;

namespace T2F.Core.Metrics.Evaluation;

/// <summary>Options of <see cref="FaceEvaluator.Evaluate"/>: how many faces, how many variants for diversity, and the seed.</summary>
public sealed record FaceEvaluationOptions
{
    /// <summary>
    /// Faces to evaluate: the first <see cref="Count"/> of the dataset, at least 2 (a covariance needs two) and at most
    /// the dataset's count. Default 100.
    /// </summary>
    public int Count { get; init; } = 100;

    /// <summary>
    /// Faces generated per description for diversity (at least 2: diversity is a distance between them), over the
    /// first min(<see cref="Count"/>, 16) descriptions. Default 4.
    /// </summary>
    public int DiversityFaces { get; init; } = 4;

    /// <summary>Seed of every generated face (non-negative): the same seed, source and dataset give the same numbers.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// <see cref="GenerationOptions.Variation"/> for a text-to-face source, in [0, 2]; null uses GenerationOptions'
    /// default. The other sources ignore it.
    /// </summary>
    public float? Variation { get; init; }

    // The variation a text-to-face source generates with.
    internal float EffectiveVariation => Variation ?? new GenerationOptions().Variation;

    // Each message names the option, the value and what to give instead.
    internal void Validate(int datasetCount)
    {
        if (Count < 2)
        {
            throw new ArgumentException($"FaceEvaluationOptions.Count is {Count}; evaluate at least 2 faces (Fréchet distance needs a covariance).", "options");
        }

        if (Count > datasetCount)
        {
            throw new ArgumentException($"FaceEvaluationOptions.Count is {Count} but the dataset has {datasetCount} faces; lower Count or open a dataset with at least {Count} faces.", "options");
        }

        if (DiversityFaces < 2)
        {
            throw new ArgumentException($"FaceEvaluationOptions.DiversityFaces is {DiversityFaces}; give at least 2 (diversity is the distance between faces of one description).", "options");
        }

        if (Seed < 0)
        {
            throw new ArgumentException($"FaceEvaluationOptions.Seed is {Seed}; give a non-negative seed.", "options");
        }

        if (Variation is float v && !(v >= 0f && v <= 2f))
        {
            throw new ArgumentException($"FaceEvaluationOptions.Variation is {v.ToString(CultureInfo.InvariantCulture)}; give a value in [0, 2], or null for GenerationOptions' default.", "options");
        }
    }
}
