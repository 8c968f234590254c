using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.Generation;
using T2F.Core.Metrics.Attributes;
using T2F.Core.Metrics.Evaluation;
using T2F.Models.FaceApi;
using T2F.Models.SynthFacesAttributes;
using Xunit;

namespace T2F.Core.Tests.Metrics;

/// <summary>
/// The evaluation protocol on a few rendered SynthFaces with the shipped networks: the oracle's numbers are finite and in
/// range, reproducible, better than a source that ignores the descriptions, and bad options are refused before any work.
/// </summary>
public sealed class FaceEvaluatorTests(FaceEvaluatorTests.Fixture fixture) : IClassFixture<FaceEvaluatorTests.Fixture>
{
    private const int Size = 64;

    private static readonly FaceEvaluationOptions Small = new() { Count = 6, DiversityFaces = 2, Seed = 3 };

    [Fact]
    public void TheOracleGivesFiniteNumbersInRangeAndHandsOutEachFace()
    {
        var progress = new List<FaceEvaluationProgress>();
        var indices = new List<int>();
        var result = fixture.Evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, Small, new Collect(progress), (i, face) =>
        {
            Assert.Equal(new long[] { 3, Size, Size }, face.shape);
            indices.Add(i);
        });

        Assert.Equal(6, result.Count);
        Assert.Equal(Size, result.Resolution);
        Assert.Equal(3, result.Seed);
        Assert.Contains("SynthFaces oracle", result.Generator, StringComparison.Ordinal);
        Assert.True(double.IsFinite(result.FrechetDistance) && result.FrechetDistance >= 0, $"FD {result.FrechetDistance}");
        Assert.InRange(result.Similarity.MeanCosine, -1, 1);
        Assert.InRange(result.Similarity.MeanDistance, 0, 10);
        Assert.InRange(result.Attributes.Accuracy, 0, 1);
        Assert.InRange(result.GroundTruthAttributes.Accuracy, 0, 1);
        Assert.True(result.Diversity > 0 && double.IsFinite(result.Diversity), $"diversity {result.Diversity}");
        Assert.Equal((2, 6), (result.DiversityFaces, result.DiversityDescriptions));
        Assert.Equal(Enumerable.Range(0, 6), indices);
        // One batch of paired faces, then one step per diversity description.
        Assert.Equal(Enumerable.Range(1, 7), progress.Select(p => p.Step));
        Assert.All(progress, p => Assert.Equal(7, p.Steps));
        Assert.Equal("diversity", progress[^1].Stage);
    }

    [Fact]
    public void TheSameSeedGivesTheSameNumbers()
    {
        var a = fixture.Evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, Small);
        var b = fixture.Evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, Small);
        var other = fixture.Evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, Small with { Seed = 4 });
        Assert.Equal(
            (a.FrechetDistance, a.Similarity.MeanCosine, a.Similarity.MeanDistance, a.Attributes.Accuracy, a.Diversity),
            (b.FrechetDistance, b.Similarity.MeanCosine, b.Similarity.MeanDistance, b.Attributes.Accuracy, b.Diversity));
        // Another seed renders other nuisance variables, so the faces and their distances change.
        Assert.NotEqual(a.Similarity.MeanDistance, other.Similarity.MeanDistance);
    }

    [Fact]
    public void TheOracleBeatsASourceThatIgnoresTheDescriptions()
    {
        // An untrained generator draws faces unrelated to the descriptions: if the protocol paired face i with another
        // image, or judged attributes against the wrong description, the oracle would lose this margin.
        using var random = StyleGan2Model.Create(new GeneratorConfig(Size, 16, 2, new Dictionary<int, int> { [4] = 16, [8] = 8, [16] = 8, [32] = 8, [64] = 8 }, 0.01f, StyleGan2Defaults.BlurTaps), seed: 5);
        var oracle = fixture.Evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, Small);
        var unconditional = fixture.Evaluator.Evaluate(FaceSource.Unconditional(random, "untrained"), fixture.Dataset, Small);
        Assert.Contains("StyleGAN2 untrained (unconditional: face i from seed 3+i", unconditional.Generator, StringComparison.Ordinal);
        Assert.True(oracle.Attributes.StatedAccuracy > unconditional.Attributes.StatedAccuracy + 0.2, $"stated found: oracle {oracle.Attributes.StatedAccuracy:P1}, unconditional {unconditional.Attributes.StatedAccuracy:P1}");
        Assert.True(oracle.Similarity.MeanDistance < unconditional.Similarity.MeanDistance, $"FSD: oracle {oracle.Similarity.MeanDistance}, unconditional {unconditional.Similarity.MeanDistance}");
        // The oracle renders exactly the stated attributes, so the classifier should judge it about as it judges the real faces.
        Assert.InRange(oracle.Attributes.Accuracy, oracle.GroundTruthAttributes.Accuracy - 0.1, 1);
    }

    [Theory]
    [InlineData(1, 2, 0L, null, "Count is 1; evaluate at least 2 faces")]
    [InlineData(9, 2, 0L, null, "Count is 9 but the dataset has 8 faces; lower Count")]
    [InlineData(4, 1, 0L, null, "DiversityFaces is 1; give at least 2")]
    [InlineData(4, 2, -1L, null, "Seed is -1; give a non-negative seed")]
    [InlineData(4, 2, 0L, float.NaN, "Variation is NaN; give a value in [0, 2]")]
    [InlineData(4, 2, 0L, 2.5f, "Variation is 2.5; give a value in [0, 2]")]
    public void BadOptionsAreRefusedWithTheFix(int count, int diversityFaces, long seed, float? variation, string message)
    {
        var options = new FaceEvaluationOptions { Count = count, DiversityFaces = diversityFaces, Seed = seed, Variation = variation };
        var e = Assert.Throws<ArgumentException>(() => fixture.Evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, options));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public void ASourceAtAnotherResolutionThanTheDatasetIsRefused()
    {
        using var small = StyleGan2Model.Create(new GeneratorConfig(16, 16, 2, new Dictionary<int, int> { [4] = 8, [8] = 8, [16] = 8 }, 0.01f, StyleGan2Defaults.BlurTaps), seed: 1);
        var e = Assert.Throws<ArgumentException>(() => fixture.Evaluator.Evaluate(FaceSource.Unconditional(small, "small"), fixture.Dataset, Small));
        Assert.Contains("open it with FaceDatasetOptions.Resolution = 16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADisposedEvaluatorIsRefused()
    {
        var evaluator = new FaceEvaluator(fixture.Identity, fixture.Classifier);
        evaluator.Dispose();
        Assert.Throws<ObjectDisposedException>(() => evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, Small));
        // Not owned: the fixture's networks still work.
        Assert.True(fixture.Evaluator.Evaluate(FaceSource.SynthFacesOracle(), fixture.Dataset, Small with { Count = 2 }).Count == 2);
    }

    /// <summary>Eight rendered 64x64 SynthFaces and the shipped networks, shared by the class (loading them is the slow part).</summary>
    public sealed class Fixture : IDisposable
    {
        private readonly string folder = Directory.CreateTempSubdirectory("t2f-face-evaluator").FullName;

        public Fixture()
        {
            SynthFacesWriter.Write(folder, new SynthFacesOptions { Count = 8, Size = Size, Seed = 4, CaptionsPerImage = 0 });
            Dataset = FaceImageDataset.Open(folder, new FaceDatasetOptions { Resolution = Size });
            Identity = FaceApiModels.LoadIdentityFeatureExtractor();
            Classifier = SynthFacesAttributeModels.LoadClassifier();
            Evaluator = new FaceEvaluator(Identity, Classifier);
        }

        public FaceImageDataset Dataset { get; }

        public T2F.Core.Metrics.FaceApi.FaceIdentityFeatureExtractor Identity { get; }

        public AttributeClassifier Classifier { get; }

        public FaceEvaluator Evaluator { get; }

        public void Dispose()
        {
            Evaluator.Dispose();
            Identity.Dispose();
            Classifier.Dispose();
            Directory.Delete(folder, true);
        }
    }

    // Records reports synchronously (Progress<T> would post them to the thread pool).
    private sealed class Collect(List<FaceEvaluationProgress> reports) : IProgress<FaceEvaluationProgress>
    {
        public void Report(FaceEvaluationProgress value) => reports.Add(value);
    }
}
