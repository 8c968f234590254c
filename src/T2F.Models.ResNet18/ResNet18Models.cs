using T2F.Core.Checkpoints;
using T2F.Core.Metrics.Perceptual;

namespace T2F.Models.ResNet18;

/// <summary>
/// The ImageNet ResNet-18 of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (MIT), available offline as a
/// perceptual network: its ONNX files are embedded in this assembly and read as data (see NOTICE.md).
/// </summary>
public static class ResNet18Models
{
    /// <summary>The NuGet package the weights come from.</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>Its version.</summary>
    public const string PackageVersion = "0.23.1";

    private const string ModelResource = "T2F.Models.ResNet18.ResNet18.onnx";
    private const string PreprocessResource = "T2F.Models.ResNet18.ResNetPreprocess.onnx";

    /// <summary>Builds the frozen ResNet-18 (eval mode, parameters without gradients).</summary>
    /// <returns>The network (dispose it).</returns>
    public static ResNet18PerceptualNet LoadPerceptualNet()
    {
        string source = $"{PackageId} {PackageVersion}";
        var resnet = OnnxModel.Read(ReadModelOnnx(), $"{source} ResNet18.onnx");
        var preprocess = OnnxModel.Read(ReadPreprocessOnnx(), $"{source} ResNetPreprocess.onnx");
        return ResNet18PerceptualNet.FromOnnx(resnet, preprocess, source);
    }

    /// <summary>
    /// The network as an <see cref="T2F.Core.Metrics.IFeatureExtractor"/> for the projector trainer: layer1..layer4,
    /// each layer weighted equally (see <see cref="PerceptualFeatureExtractor"/>).
    /// </summary>
    /// <param name="inputSize">Side images are resized to; 224 is the model's native size, smaller is faster.</param>
    /// <returns>The extractor (it owns the network).</returns>
    public static PerceptualFeatureExtractor CreateFeatureExtractor(int inputSize = ResNet18PerceptualNet.NativeSize) =>
        new(LoadPerceptualNet(), inputSize);

    /// <summary>The bytes of <c>ResNet18.onnx</c> (about 64 MB).</summary>
    /// <returns>A new array.</returns>
    public static byte[] ReadModelOnnx() => ReadResource(ModelResource);

    /// <summary>The bytes of <c>ResNetPreprocess.onnx</c>.</summary>
    /// <returns>A new array.</returns>
    public static byte[] ReadPreprocessOnnx() => ReadResource(PreprocessResource);

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(ResNet18Models).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"T2F.Models.ResNet18 was built without {name}; rebuild it after 'dotnet restore'.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
