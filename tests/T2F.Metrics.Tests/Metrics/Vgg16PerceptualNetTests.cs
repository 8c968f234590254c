using T2F.Core.Checkpoints;
using T2F.Core.Metrics.Perceptual;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics;

public sealed class Vgg16PerceptualNetTests
{
    /// <summary>torchvision vgg16 state-dict entries: features.{i}.weight/bias for the 13 convs, classifier.{0,3,6}.</summary>
    private static IEnumerable<(string Name, long[] Shape)> TorchvisionVgg16(bool withClassifier)
    {
        int[] convIndices = { 0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28 };
        int[] widths = { 64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512 };
        int inChannels = 3;
        for (int i = 0; i < convIndices.Length; i++)
        {
            yield return ($"features.{convIndices[i]}.weight", new long[] { widths[i], inChannels, 3, 3 });
            yield return ($"features.{convIndices[i]}.bias", new long[] { widths[i] });
            inChannels = widths[i];
        }

        if (withClassifier)
        {
            // Small stand-ins: the loader ignores classifier.* whatever its shapes.
            yield return ("classifier.0.weight", new long[] { 4, 8 });
            yield return ("classifier.0.bias", new long[] { 4 });
        }
    }

    private static string WriteStateDict(IEnumerable<(string Name, long[] Shape)> entries, int seed)
    {
        var random = new Random(seed);
        var dict = entries.Select(e =>
        {
            long n = e.Shape.Aggregate(1L, (a, b) => a * b);
            float scale = e.Shape.Length == 4 ? (float)Math.Sqrt(2.0 / (e.Shape[1] * 9)) : 0.01f;
            var values = new float[n];
            for (long i = 0; i < n; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
            }

            return new KeyValuePair<string, TensorData>(e.Name, TensorData.FromFloats(values, e.Shape));
        }).ToList();
        string path = Path.Combine(Path.GetTempPath(), $"t2f-vgg16-{Guid.NewGuid():N}.pth");
        PyTorchCheckpointWriter.SaveStateDict(path, dict);
        return path;
    }

    [Fact]
    public void StateDictNamesAreTorchvisionFeatures()
    {
        using var model = new Vgg16PerceptualNet();
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var expected = TorchvisionVgg16(withClassifier: false).ToDictionary(e => e.Name, e => e.Shape);
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (key, shape) in expected)
        {
            Assert.Equal(shape, actual[key]);
        }

        // torchvision's vgg16 features: 14,714,688 parameters.
        Assert.Equal(14_714_688, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void LoadsTorchvisionStateDictAndGradientsReachTheInput()
    {
        string path = WriteStateDict(TorchvisionVgg16(withClassifier: true), seed: 1);
        try
        {
            using var net = Vgg16PerceptualNet.Load(path);
            Assert.All(net.parameters(), p => Assert.False(p.requires_grad));
            using var scope = torch.NewDisposeScope();
            var images = ((torch.rand(new long[] { 2, 3, 32, 48 }, generator: new torch.Generator(0)) * 2) - 1).requires_grad_(true);
            var layers = net.ForwardLayers(images);
            Assert.Equal(new[] { "relu1_2", "relu2_2", "relu3_3", "relu4_3" }, net.LayerNames);
            Assert.Equal(new long[] { 2, 64, 32, 48 }, layers[0].shape);
            Assert.Equal(new long[] { 2, 128, 16, 24 }, layers[1].shape);
            Assert.Equal(new long[] { 2, 256, 8, 12 }, layers[2].shape);
            Assert.Equal(new long[] { 2, 512, 4, 6 }, layers[3].shape);

            // The loaded weights are used: conv 0 of the file on the normalised input equals relu1_1's pre-activation.
            var mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }).reshape(1, 3, 1, 1);
            var std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }).reshape(1, 3, 1, 1);
            var file = StateDictReader.ToStateDict(PyTorchCheckpoint.Load(path), path);
            var conv0 = nn.functional.conv2d((((images + 1) * 0.5) - mean) / std, file["features.0.weight"].ToTensor(), file["features.0.bias"].ToTensor(), padding: new long[] { 1, 1 });
            var net0 = ((nn.Module<Tensor, Tensor>)net.named_modules().First(m => m.name == "features.0").module).forward((((images + 1) * 0.5) - mean) / std);
            Assert.True(torch.allclose(conv0, net0, rtol: 1e-5, atol: 1e-6));

            using var extractor = new PerceptualFeatureExtractor(net, inputSize: 32, ownsNetwork: false);
            Assert.Equal((64 * 32 * 32) + (128 * 16 * 16) + (256 * 8 * 8) + (512 * 4 * 4), extractor.FeatureSize);
            var target = torch.zeros(2, 3, 32, 48);
            var features = extractor.Extract(images);
            Assert.Equal(new long[] { 2, extractor.FeatureSize }, features.shape);
            var loss = (features - extractor.Extract(target)).square().mean();

            // Equal layer weights: the mean squared feature difference is the mean of the layers' MSEs.
            var resized = nn.functional.interpolate(images, new long[] { 32, 32 }, mode: InterpolationMode.Bilinear, align_corners: false);
            var a = net.ForwardLayers(resized);
            var b = net.ForwardLayers(nn.functional.interpolate(target, new long[] { 32, 32 }, mode: InterpolationMode.Bilinear, align_corners: false));
            double expected = a.Zip(b).Average(p => (p.First - p.Second).square().mean().item<float>());
            Assert.Equal(expected, loss.item<float>(), 4);

            loss.backward();
            var grad = images.grad;
            Assert.NotNull(grad);
            Assert.True(grad!.isfinite().all().item<bool>());
            Assert.True(grad.abs().sum().item<float>() > 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MisShapedFileListsTheNames()
    {
        var entries = TorchvisionVgg16(withClassifier: false)
            .Where(e => e.Name != "features.28.bias")
            .Select(e => e.Name == "features.5.weight" ? (e.Name, new long[] { 128, 32, 3, 3 }) : e)
            .ToList();
        string path = WriteStateDict(entries, seed: 2);
        try
        {
            var ex = Assert.Throws<StateDictMismatchException>(() => Vgg16PerceptualNet.Load(path));
            Assert.Contains("features.28.bias", ex.Missing);
            Assert.Contains(ex.Mismatched, m => m.Contains("features.5.weight", StringComparison.Ordinal));
            Assert.Contains("features.28.bias", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
