using T2F.Core.Data;
using T2F.Core.Metrics.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.Evaluation;

/// <summary>
/// The evaluation protocol of a text-to-face source on a face dataset: face i is made for image i of the dataset
/// (<see cref="FaceSource"/>), then Fréchet distance, paired similarity and FSD compare the identity features of the
/// generated and the real faces, the attribute classifier checks the generated faces against their images' attributes
/// (and the real faces, for the classifier's own ceiling), and diversity measures how far apart several faces of one
/// description are. Same options, source and dataset: the same numbers. Not thread-safe (the networks are not).
/// </summary>
public sealed class FaceEvaluator : IDisposable
{
    // Faces per generation call. Part of the protocol: a text-to-face source seeds each batch from its first index, so
    // another batch size would generate other faces.
    private const int BatchSize = 16;

    // Diversity is measured on the first descriptions only: each needs DiversityFaces more faces.
    private const int MaxDiversityDescriptions = 16;

    private readonly IFeatureExtractor identity;
    private readonly AttributeClassifier classifier;
    private readonly bool ownsNetworks;
    private bool disposed;

    /// <summary>An evaluator over two networks.</summary>
    /// <param name="identity">
    /// Face-identity features for Fréchet distance, similarity, FSD and diversity (face-api's:
    /// <c>FaceApiModels.LoadIdentityFeatureExtractor()</c> in T2F.Models.FaceApi).
    /// </param>
    /// <param name="classifier">
    /// The attribute classifier (SynthFaces: <c>SynthFacesAttributeModels.LoadClassifier()</c> in
    /// T2F.Models.SynthFacesAttributes); only its trained attributes are judged.
    /// </param>
    /// <param name="ownsNetworks">Whether <see cref="Dispose"/> disposes both networks.</param>
    public FaceEvaluator(IFeatureExtractor identity, AttributeClassifier classifier, bool ownsNetworks = false)
    {
        this.identity = identity ?? throw new ArgumentNullException(nameof(identity));
        this.classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        this.ownsNetworks = ownsNetworks;
    }

    /// <summary>Evaluates <paramref name="source"/> on the first <see cref="FaceEvaluationOptions.Count"/> faces of <paramref name="dataset"/>.</summary>
    /// <param name="source">What makes the faces.</param>
    /// <param name="dataset">The real faces and their descriptions, opened at the source's <see cref="FaceSource.Resolution"/> (any for the oracle).</param>
    /// <param name="options">Count, diversity, seed, variation; null for the defaults.</param>
    /// <param name="progress">Told after each step (called on this thread); null for none.</param>
    /// <param name="generated">
    /// Called with each paired generated face (index i, [3, R, R] in [-1, 1]) before its features are taken, e.g. to
    /// save it; the tensor is disposed after the call's batch, so copy it to keep it.
    /// </param>
    /// <exception cref="ArgumentException">An option is out of range, or the dataset is too small or at another resolution than the source's.</exception>
    public FaceEvaluationResult Evaluate(FaceSource source, FaceImageDataset dataset, FaceEvaluationOptions? options = null, IProgress<FaceEvaluationProgress>? progress = null, Action<int, Tensor>? generated = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new FaceEvaluationOptions();
        options.Validate(dataset.Count);
        if (source.Resolution is int resolution && resolution != dataset.Resolution)
        {
            throw new ArgumentException($"The source makes {resolution}x{resolution} faces but the dataset is opened at {dataset.Resolution}x{dataset.Resolution}; open it with FaceDatasetOptions.Resolution = {resolution}.", nameof(dataset));
        }

        int count = options.Count, k = options.DiversityFaces;
        var described = dataset.Records.Take(count).Select(r => r.Attributes.Intersect(classifier.TrainedAttributes)).ToArray();
        var realFeatures = new List<Tensor>();
        var fakeFeatures = new List<Tensor>();
        var found = new List<AttributeSet>();
        var foundReal = new List<AttributeSet>();
        var groups = new List<Tensor>();
        int diversityGroups = Math.Min(count, MaxDiversityDescriptions);
        int totalSteps = ((count + BatchSize - 1) / BatchSize) + diversityGroups, step = 0;
        try
        {
            for (int start = 0; start < count; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                int n = Math.Min(BatchSize, count - start);
                var real = torch.stack(Enumerable.Range(start, n).Select(i => dataset.LoadImage(i)).ToArray());
                var fake = source.Generate(dataset, Enumerable.Range(start, n).ToArray(), options, 0, variant: false);
                if (generated is not null)
                {
                    for (int i = 0; i < n; i++)
                    {
                        generated(start + i, fake[i]);
                    }
                }

                realFeatures.Add(identity.Extract(real).MoveToOuterDisposeScope());
                fakeFeatures.Add(identity.Extract(fake).MoveToOuterDisposeScope());
                found.AddRange(classifier.PredictSets(fake));
                foundReal.AddRange(classifier.PredictSets(real));
                progress?.Report(new FaceEvaluationProgress(++step, totalSteps, "generate + features"));
            }

            for (int g = 0; g < diversityGroups; g++)
            {
                using var scope = torch.NewDisposeScope();
                var faces = source.Generate(dataset, Enumerable.Repeat(g, k).ToArray(), options, 1, variant: true);
                groups.Add(identity.Extract(faces).MoveToOuterDisposeScope());
                progress?.Report(new FaceEvaluationProgress(++step, totalSteps, "diversity"));
            }

            using var realAll = torch.cat(realFeatures, 0);
            using var fakeAll = torch.cat(fakeFeatures, 0);
            var similarity = FaceSimilarity.Compare(fakeAll, realAll, identity.Name);
            double frechet = Frechet(realAll, fakeAll);
            var attributes = AttributeAccuracy.Compute(found, described, classifier.TrainedAttributes, classifier.Name);
            var attributesReal = AttributeAccuracy.Compute(foundReal, described, classifier.TrainedAttributes, classifier.Name);
            double diversity = Diversity.MeanOverGroups(groups);
            return new FaceEvaluationResult(source.Describe(options), count, dataset.Resolution, options.Seed, identity.Name, frechet, similarity, attributes, attributesReal, diversity, k, diversityGroups);
        }
        finally
        {
            foreach (var t in realFeatures.Concat(fakeFeatures).Concat(groups))
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Disposes the networks when the evaluator owns them.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (ownsNetworks)
        {
            identity.Dispose();
            classifier.Dispose();
        }
    }

    private static double Frechet(Tensor real, Tensor fake)
    {
        using var a = new FeatureStatisticsAccumulator((int)real.shape[1]);
        using var b = new FeatureStatisticsAccumulator((int)fake.shape[1]);
        a.Add(real);
        b.Add(fake);
        return FrechetDistance.Compute(a.ToStatistics(), b.ToStatistics());
    }
}
