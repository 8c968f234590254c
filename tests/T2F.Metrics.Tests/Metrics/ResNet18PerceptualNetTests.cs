using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using T2F.Core.Checkpoints;
using T2F.Core.Metrics.Perceptual;
using T2F.Models.ResNet18;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics;

public sealed class ResNet18PerceptualNetTests
{
    private readonly ITestOutputHelper output;

    public ResNet18PerceptualNetTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void MatchesOnnxRuntimeOnTheSameInput()
    {
        using var net = ResNet18Models.LoadPerceptualNet();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var images = (torch.rand(new long[] { 2, 3, 224, 224 }, generator: new torch.Generator(3)) * 2) - 1;
        var ours = net.ForwardPooled(images);
        Assert.Equal(new long[] { 2, 512, 1, 1 }, ours.shape);
        var oursValues = ours.data<float>().ToArray();

        // ONNX Runtime: the package's preprocessing graph on [0, 255] RGB, then the ResNet graph.
        using var preprocess = new InferenceSession(ResNet18Models.ReadPreprocessOnnx());
        using var resnet = new InferenceSession(ResNet18Models.ReadModelOnnx());
        var pixels = ((images + 1) * 127.5).contiguous();
        float maxAbs = 0;
        float maxRef = 0;
        for (int n = 0; n < 2; n++)
        {
            var one = pixels[n].unsqueeze(0).contiguous().data<float>().ToArray();
            var input = new DenseTensor<float>(one, new[] { 1, 3, 224, 224 });
            using var pre = preprocess.Run(new[] { NamedOnnxValue.CreateFromTensor(preprocess.InputMetadata.Keys.Single(), input) });
            var bgr = pre.Single().AsTensor<float>().ToDenseTensor();
            using var res = resnet.Run(new[] { NamedOnnxValue.CreateFromTensor(resnet.InputMetadata.Keys.Single(), bgr) });
            var reference = res.Single().AsEnumerable<float>().ToArray();
            Assert.Equal(512, reference.Length);
            for (int i = 0; i < 512; i++)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(reference[i] - oursValues[(n * 512) + i]));
                maxRef = Math.Max(maxRef, Math.Abs(reference[i]));
            }
        }

        output.WriteLine($"max |ours - ONNX Runtime| = {maxAbs:E3} (largest |feature| {maxRef:F3})");
        Assert.True(maxAbs <= 1e-4 * Math.Max(1, maxRef), $"max abs difference {maxAbs} (largest feature {maxRef})");
    }

    [Fact]
    public void WeightsMapOntoTorchvisionNamesAndGradientsFlow()
    {
        using var net = ResNet18Models.LoadPerceptualNet();
        Assert.All(net.parameters(), p => Assert.False(p.requires_grad));

        // torchvision resnet18 without fc: 11,176,512 parameters; the package's graph has one more 512-wide basic
        // block (2 x 512x512x3x3 convs + 2 batch norms = 4,720,640).
        Assert.Equal(11_176_512 + 4_720_640, net.parameters().Sum(p => p.numel()));
        Assert.Contains(net.state_dict().Keys, k => k == "layer4.2.conv2.weight");
        Assert.Contains(net.state_dict().Keys, k => k == "layer4.0.downsample.0.weight");

        using var extractor = new PerceptualFeatureExtractor(net, inputSize: 64, ownsNetwork: false);
        using var scope = torch.NewDisposeScope();
        var images = ((torch.rand(new long[] { 1, 3, 48, 48 }, generator: new torch.Generator(4)) * 2) - 1).requires_grad_(true);
        var layers = net.ForwardLayers(images);
        Assert.Equal(new long[] { 1, 64, 12, 12 }, layers[0].shape);
        Assert.Equal(new long[] { 1, 512, 2, 2 }, layers[3].shape);
        var loss = (extractor.Extract(images) - extractor.Extract(torch.zeros(1, 3, 48, 48))).square().mean();
        loss.backward();
        Assert.True(images.grad!.abs().sum().item<float>() > 0);
        Assert.Equal((64 * 16 * 16) + (128 * 8 * 8) + (256 * 4 * 4) + (512 * 2 * 2), extractor.FeatureSize);
    }

    [Fact]
    public void AGraphWithoutMeanImageIsRejected()
    {
        var resnet = OnnxModel.Read(ResNet18Models.ReadModelOnnx(), "ResNet18.onnx");
        Assert.Throws<CheckpointFormatException>(() => ResNet18PerceptualNet.FromOnnx(resnet, resnet, "test"));
    }
}
