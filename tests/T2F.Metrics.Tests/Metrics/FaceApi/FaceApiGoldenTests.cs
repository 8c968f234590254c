using System.Text.Json;
using T2F.Core.Metrics;
using T2F.Core.Metrics.FaceApi;
using T2F.Core.Tests.TestSupport;
using T2F.Models.FaceApi;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics.FaceApi;

/// <summary>The face-api nets loaded once for the golden tests.</summary>
public sealed class FaceApiNets : IDisposable
{
    public FaceApiNets()
    {
        Recognition = FaceApiModels.LoadRecognitionNet();
        AgeGender = FaceApiModels.LoadAgeGenderNet();
        Expression = FaceApiModels.LoadExpressionNet();
    }

    public FaceRecognitionNet Recognition { get; }

    public AgeGenderNet AgeGender { get; }

    public FaceExpressionNet Expression { get; }

    public void Dispose()
    {
        Recognition.Dispose();
        AgeGender.Dispose();
        Expression.Dispose();
    }
}

/// <summary>
/// Parity with TF.js 4.22 (cpu backend) running @vladmandic/face-api 1.7.15, on the synthetic images of the golden
/// folder; everything (cases, sizes, expected values, tolerances' subjects) comes from its manifest.json.
/// </summary>
[Trait("Category", "Golden")]
public sealed class FaceApiGoldenTests : IClassFixture<FaceApiNets>
{
    private readonly FaceApiNets nets;
    private readonly ITestOutputHelper output;
    private readonly FaceApiGolden golden = FaceApiGolden.Instance;

    public FaceApiGoldenTests(FaceApiNets nets, ITestOutputHelper output)
    {
        this.nets = nets;
        this.output = output;
    }

    public static IEnumerable<object[]> ShippedModels() => Enum.GetValues<FaceApiModel>().Select(m => new object[] { m });

    [Theory]
    [MemberData(nameof(ShippedModels))]
    public void LoaderMatchesWeightChecksums(FaceApiModel model)
    {
        var weights = FaceApiModels.ReadWeights(model);
        var expected = golden.Checksums.GetProperty(FaceApiModels.FileStem(model));
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), weights.Names);
        foreach (var entry in expected.EnumerateObject())
        {
            var tensor = weights[entry.Name];
            var e = entry.Value;
            string what = $"{FaceApiModels.FileStem(model)}/{entry.Name}";
            Assert.Equal(e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()), tensor.Shape);
            Assert.Equal(e.GetProperty("byteOffset").GetInt64(), tensor.ByteOffset);
            Assert.Equal(e.GetProperty("byteLength").GetInt64(), tensor.ByteLength);
            string? quant = e.GetProperty("quantization").ValueKind == JsonValueKind.Null ? null : e.GetProperty("quantization").GetProperty("dtype").GetString();
            Assert.Equal(quant, tensor.Quantization);
            Assert.True((float)e.GetProperty("min").GetDouble() == tensor.Values.Min(), $"{what}: min {tensor.Values.Min():R} vs {e.GetProperty("min").GetDouble():R}");
            Assert.True((float)e.GetProperty("max").GetDouble() == tensor.Values.Max(), $"{what}: max {tensor.Values.Max():R} vs {e.GetProperty("max").GetDouble():R}");
            Assert.Equal(FaceApiGolden.Floats(e.GetProperty("first4")), tensor.Values.Take(4).ToArray());

            // Sums depend on the summation order: compare to float32 rounding over the tensor.
            double sum = tensor.Values.Sum(v => (double)v);
            double sumAbs = tensor.Values.Sum(v => Math.Abs((double)v));
            double tolerance = 1e-6 * Math.Max(1, sumAbs);
            Assert.True(Math.Abs(sum - e.GetProperty("sum").GetDouble()) <= tolerance, $"{what}: sum {sum:R} vs {e.GetProperty("sum").GetDouble():R}");
            Assert.True(Math.Abs(sumAbs - e.GetProperty("sumAbs").GetDouble()) <= tolerance, $"{what}: sumAbs {sumAbs:R} vs {e.GetProperty("sumAbs").GetDouble():R}");
        }
    }

    [Fact]
    public void ResizedInputsMatch()
    {
        int checkedCount = 0;
        foreach (var (name, c) in golden.Cases)
        {
            if (!c.TryGetProperty("resized_input", out var resized))
            {
                continue;
            }

            var shape = resized.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();   // [1, S, S, 3] NHWC
            using var scope = torch.NewDisposeScope();
            var image = LoadImage(c);
            var actual = FaceApiPreprocessing.ToNetInput(image, (int)shape[1]).permute(0, 2, 3, 1);
            var expected = torch.tensor(golden.ReadFloats(resized.GetProperty("file").GetString()!), shape);
            TensorAssert.Close(expected, actual, 1e-4, 0, $"{name} resized input");
            output.WriteLine($"{name}: resized input max |diff| {TensorAssert.MaxAbsDiff(expected, actual):E2}");
            checkedCount++;
        }

        Assert.True(checkedCount > 0, "the manifest has no resized_input cases");
    }

    [Fact]
    public void DescriptorsMatch()
    {
        int checkedCount = 0;
        foreach (var (name, c) in golden.Cases)
        {
            if (!c.TryGetProperty("net", out var net) || net.GetString() != "face_recognition_model")
            {
                continue;
            }

            using var scope = torch.NewDisposeScope();
            var descriptor = nets.Recognition.ComputeDescriptors(LoadImage(c));
            var expected = torch.tensor(golden.ReadFloats(c.GetProperty("descriptor").GetProperty("file").GetString()!)).unsqueeze(0);
            TensorAssert.Close(expected, descriptor, 1e-5, 0, $"{name} descriptor");
            output.WriteLine($"{name}: descriptor max |diff| {TensorAssert.MaxAbsDiff(expected, descriptor):E2}");
            checkedCount++;
        }

        Assert.True(checkedCount > 0, "the manifest has no face_recognition_model cases");
    }

    [Fact]
    public void PairwiseDistancesMatch()
    {
        var descriptors = new Dictionary<string, float[]>();
        foreach (var (name, c) in golden.Cases)
        {
            if (c.TryGetProperty("descriptor", out var d))
            {
                descriptors[name] = golden.ReadFloats(d.GetProperty("file").GetString()!);
            }
        }

        foreach (var pair in golden.Manifest.GetProperty("pairwise").EnumerateObject())
        {
            var names = pair.Name.Split('|');
            using var scope = torch.NewDisposeScope();
            var a = torch.tensor(descriptors[names[0]]).unsqueeze(0);
            var b = torch.tensor(descriptors[names[1]]).unsqueeze(0);
            var result = FaceSimilarity.Compare(a, b, "face-api", centre: torch.zeros(128));
            Assert.Equal(pair.Value.GetProperty("euclidean").GetDouble(), result.MeanDistance, 6);
            Assert.Equal(pair.Value.GetProperty("cosine").GetDouble(), result.MeanCosine, 6);
        }
    }

    [Fact]
    public void AgeGenderAndExpressionMatch()
    {
        int checkedCount = 0;
        foreach (var (name, c) in golden.Cases)
        {
            if (!c.TryGetProperty("age_gender", out var ageGender))
            {
                continue;
            }

            using var scope = torch.NewDisposeScope();
            var image = LoadImage(c);
            using var prediction = nets.AgeGender.Predict(image);
            double age = prediction.Age[0].item<float>();
            double expectedAge = ageGender.GetProperty("age").GetDouble();
            Assert.True(Math.Abs(age - expectedAge) <= 1e-3, $"{name}: age {age:R}, expected {expectedAge:R}");
            TensorAssert.Close(torch.tensor(FaceApiGolden.Floats(ageGender.GetProperty("gender_softmax"))).unsqueeze(0), prediction.Gender, 1e-5, 0, $"{name} gender softmax");

            var expression = c.GetProperty("expression");
            Assert.Equal(expression.GetProperty("labels").EnumerateArray().Select(l => l.GetString()), FaceExpressionNet.Labels);
            var probabilities = nets.Expression.Predict(image);
            var expectedExpression = torch.tensor(FaceApiGolden.Floats(expression.GetProperty("softmax"))).unsqueeze(0);
            TensorAssert.Close(expectedExpression, probabilities, 1e-5, 0, $"{name} expression softmax");
            output.WriteLine($"{name}: age {age:F5} vs {expectedAge:F5}; gender max |diff| {TensorAssert.MaxAbsDiff(torch.tensor(FaceApiGolden.Floats(ageGender.GetProperty("gender_softmax"))).unsqueeze(0), prediction.Gender):E2}; expression max |diff| {TensorAssert.MaxAbsDiff(expectedExpression, probabilities):E2}");
            checkedCount++;
        }

        Assert.True(checkedCount > 0, "the manifest has no age_gender cases");
    }

    private Tensor LoadImage(JsonElement c)
    {
        var image = c.GetProperty("image");
        Assert.Equal("HWC", image.GetProperty("layout").GetString());
        Assert.Equal("RGB", image.GetProperty("order").GetString());
        var bytes = File.ReadAllBytes(golden.PathOf(image.GetProperty("raw").GetString()!));
        return FaceApiPreprocessing.FromRgbBytes(bytes, image.GetProperty("height").GetInt32(), image.GetProperty("width").GetInt32());
    }
}
