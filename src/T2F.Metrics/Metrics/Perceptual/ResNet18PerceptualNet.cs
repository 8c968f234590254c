using T2F.Core.Checkpoints;
using T2F.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Perceptual;

/// <summary>
/// The ImageNet ResNet-18 (as shipped: 2, 2, 2 and 3 basic blocks, see <see cref="BlockCounts"/>) of ML.NET's DnnImageFeaturizer (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18: a CNTK model
/// exported to ONNX, <c>ResNet18.onnx</c>, with its preprocessing graph <c>ResNetPreprocess.onnx</c>) as a frozen
/// perceptual network, with torchvision's module names. Built from the ONNX initializers by
/// <see cref="FromOnnx"/>; <c>T2F.Models.ResNet18</c> ships the files.
/// <para>Preprocessing, as in the package's graph: images in [-1, 1] become [0, 255] RGB, the channels are reordered
/// to BGR and the package's 224x224 mean image (per-pixel, about 103/116/123 for B/G/R) is subtracted. At other
/// input sizes the mean image is resized bilinearly to the input.</para>
/// <para>CNTK padding differs from torchvision's: the 7x7 stem conv pads 3 before and 2 after, the stem max pool and
/// every strided conv pad 1 before and 0 after (the graph's <c>pads</c> attributes). <see cref="ForwardLayers"/>
/// returns the outputs of layer1..layer4 ([N, 64, H/4, W/4] ... [N, 512, H/32, W/32]).</para>
/// </summary>
public sealed class ResNet18PerceptualNet : Module<Tensor, Tensor>, IPerceptualNetwork
{
    /// <summary>The side of the mean image and of the images the model was trained on.</summary>
    public const int NativeSize = 224;

    private static readonly string[] Names = { "layer1", "layer2", "layer3", "layer4" };

    /// <summary>
    /// Basic blocks per stage in the shipped graph: 2, 2, 2 and 3. The CNTK model has one more 512-wide block than
    /// torchvision's resnet18 (2, 2, 2, 2): 18 3x3 convs, 15,897,152 parameters.
    /// </summary>
    public static IReadOnlyList<int> BlockCounts { get; } = new[] { 2, 2, 2, 3 };

    private static readonly HashSet<string> SupportedOps = new(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "Relu", "MaxPool", "Add", "AveragePool",
    };

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Tensor mean_image;

    /// <summary>Creates the network with TorchSharp's default initialisation and a zero mean image (load with <see cref="FromOnnx"/>).</summary>
    public ResNet18PerceptualNet()
        : base(nameof(ResNet18PerceptualNet))
    {
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 0L, bias: false);
        bn1 = nn.BatchNorm2d(64, eps: 1e-5);
        layer1 = Stage(64, 64, 1, BlockCounts[0]);
        layer2 = Stage(64, 128, 2, BlockCounts[1]);
        layer3 = Stage(128, 256, 2, BlockCounts[2]);
        layer4 = Stage(256, 512, 2, BlockCounts[3]);
        mean_image = torch.zeros(1, 3, NativeSize, NativeSize);
        RegisterComponents();
        ModuleLifetime.DetachFromDisposeScopes(this);
    }

    /// <inheritdoc />
    public string Name { get; private set; } = "ResNet-18 (Microsoft.ML.DnnImageFeaturizer.ResNet18)";

    /// <inheritdoc />
    public IReadOnlyList<string> LayerNames => Names;

    /// <summary>
    /// Builds the network from the package's two ONNX graphs. The ResNet graph's convs are matched to the
    /// batch normalisations that read them and assigned in graph order (1x1 convs are the downsampling shortcuts).
    /// The network comes back in eval mode with its parameters frozen.
    /// </summary>
    /// <param name="resnet">ResNet18.onnx.</param>
    /// <param name="preprocess">ResNetPreprocess.onnx (holds <c>MeanImage</c>).</param>
    /// <param name="sourceName">Used in <see cref="Name"/> and in error messages.</param>
    /// <returns>The network (dispose it).</returns>
    /// <exception cref="CheckpointFormatException">The graph is not a ResNet-18 of this shape.</exception>
    public static ResNet18PerceptualNet FromOnnx(OnnxModel resnet, OnnxModel preprocess, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(resnet);
        ArgumentNullException.ThrowIfNull(preprocess);
        var weights = MapOnnxWeights(resnet, preprocess, sourceName);
        var model = new ResNet18PerceptualNet();
        try
        {
            using var scope = torch.NewDisposeScope();
            var source = weights.ToTensors();
            foreach (var (key, tensor) in model.state_dict())
            {
                if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal) && !source.ContainsKey(key))
                {
                    source[key] = tensor.clone();
                }
            }

            ModuleStateLoader.Load(model, source, sourceName);
            model.Name = $"ResNet-18 ({sourceName})";
            model.Freeze();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The ONNX initializers under this network's state-dict names (<c>conv1.weight</c>, <c>bn1.running_mean</c>,
    /// <c>layer2.0.downsample.0.weight</c>, ..., <c>mean_image</c>).
    /// </summary>
    /// <param name="resnet">ResNet18.onnx.</param>
    /// <param name="preprocess">ResNetPreprocess.onnx.</param>
    /// <param name="sourceName">Used in error messages.</param>
    /// <returns>The named tensors.</returns>
    public static Dictionary<string, TensorData> MapOnnxWeights(OnnxModel resnet, OnnxModel preprocess, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(resnet);
        ArgumentNullException.ThrowIfNull(preprocess);
        var unsupported = resnet.Nodes.Select(n => n.OpType).Where(op => !SupportedOps.Contains(op)).Distinct().ToList();
        if (unsupported.Count > 0)
        {
            throw new CheckpointFormatException($"{sourceName}: the graph has operators a ResNet-18 does not ({string.Join(", ", unsupported)}).");
        }

        var bnByInput = resnet.Nodes.Where(n => n.OpType == "BatchNormalization").ToDictionary(n => n.Inputs[0], StringComparer.Ordinal);
        var main = new List<(OnnxNode Conv, OnnxNode Bn)>();
        var shortcuts = new List<(OnnxNode Conv, OnnxNode Bn)>();
        foreach (var conv in resnet.Nodes.Where(n => n.OpType == "Conv"))
        {
            if (conv.Inputs.Count != 2 || !bnByInput.TryGetValue(conv.Outputs[0], out var bn) || bn.Inputs.Count != 5)
            {
                throw new CheckpointFormatException($"{sourceName}: the conv {conv.Name} is not a bias-free conv followed by a batch normalisation.");
            }

            var w = Initializer(resnet, conv.Inputs[1], sourceName);
            (w.Shape[2] == 1 ? shortcuts : main).Add((conv, bn));
        }

        int expectedMain = 1 + (2 * BlockCounts.Sum());
        if (main.Count != expectedMain || shortcuts.Count != 3)
        {
            throw new CheckpointFormatException($"{sourceName}: the package's ResNet-18 has {expectedMain} 3x3/7x7 convs and 3 1x1 shortcut convs; this graph has {main.Count} and {shortcuts.Count}.");
        }

        var names = new List<(string Conv, string Bn)> { ("conv1", "bn1") };
        for (int stage = 0; stage < Names.Length; stage++)
        {
            string layer = Names[stage];
            for (int block = 0; block < BlockCounts[stage]; block++)
            {
                names.Add(($"{layer}.{block}.conv1", $"{layer}.{block}.bn1"));
                names.Add(($"{layer}.{block}.conv2", $"{layer}.{block}.bn2"));
            }
        }

        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        void Add((OnnxNode Conv, OnnxNode Bn) pair, string conv, string bn)
        {
            result[conv + ".weight"] = Initializer(resnet, pair.Conv.Inputs[1], sourceName);
            result[bn + ".weight"] = Initializer(resnet, pair.Bn.Inputs[1], sourceName);
            result[bn + ".bias"] = Initializer(resnet, pair.Bn.Inputs[2], sourceName);
            result[bn + ".running_mean"] = Initializer(resnet, pair.Bn.Inputs[3], sourceName);
            result[bn + ".running_var"] = Initializer(resnet, pair.Bn.Inputs[4], sourceName);
        }

        for (int i = 0; i < main.Count; i++)
        {
            Add(main[i], names[i].Conv, names[i].Bn);
        }

        for (int i = 0; i < shortcuts.Count; i++)
        {
            Add(shortcuts[i], $"{Names[i + 1]}.0.downsample.0", $"{Names[i + 1]}.0.downsample.1");
        }

        if (!preprocess.Initializers.TryGetValue("MeanImage", out var meanImage))
        {
            throw new CheckpointFormatException($"{sourceName}: the preprocessing graph has no MeanImage initializer.");
        }

        result["mean_image"] = meanImage;
        return result;
    }

    /// <summary>Eval mode, and no parameter requires gradients.</summary>
    public void Freeze()
    {
        eval();
        ModuleGradients.Set(this, false);
    }

    /// <summary>The layer4 activations.</summary>
    /// <param name="input">[N, 3, H, W] in [-1, 1].</param>
    /// <returns>[N, 512, H/32, W/32].</returns>
    public override Tensor forward(Tensor input)
    {
        var layers = ForwardLayers(input);
        for (int i = 0; i < layers.Length - 1; i++)
        {
            layers[i].Dispose();
        }

        return layers[^1];
    }

    /// <summary>
    /// The ONNX graph's output: layer4 averaged over 7x7 windows with stride 1 (global average pooling at 224x224,
    /// giving [N, 512, 1, 1]).
    /// </summary>
    /// <param name="images">[N, 3, H, W] in [-1, 1].</param>
    /// <returns>[N, 512, H/32 - 6, W/32 - 6].</returns>
    public Tensor ForwardPooled(Tensor images)
    {
        using var last = forward(images);
        return nn.functional.avg_pool2d(last, 7, stride: 1);
    }

    /// <summary>The package's preprocessing: [-1, 1] RGB → [0, 255] BGR minus the mean image (resized to the input).</summary>
    /// <param name="images">[N, 3, H, W] in [-1, 1].</param>
    /// <returns>[N, 3, H, W].</returns>
    public Tensor Preprocess(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        TensorShapes.Expect(images, 4, "ResNet18PerceptualNet input", "[N, 3, H, W]");
        TensorShapes.ExpectDim(images, 1, 3, "ResNet18PerceptualNet input", "[N, 3, H, W]");
        using var scope = torch.NewDisposeScope();
        var bgr = ((images + 1) * 127.5).flip(1);
        var mean = mean_image.to(images.device);
        if (images.shape[2] != NativeSize || images.shape[3] != NativeSize)
        {
            mean = nn.functional.interpolate(mean, new long[] { images.shape[2], images.shape[3] }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        return (bgr - mean).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor[] ForwardLayers(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var x = Preprocess(images);
        x = nn.functional.pad(x, new long[] { 3, 2, 3, 2 });
        x = nn.functional.relu(bn1.forward(conv1.forward(x)));
        x = nn.functional.max_pool2d(nn.functional.pad(x, new long[] { 1, 0, 1, 0 }), 3, stride: 2); // post-ReLU: zero padding = ONNX's -inf padding
        var l1 = layer1.forward(x);
        var l2 = layer2.forward(l1);
        var l3 = layer3.forward(l2);
        var l4 = layer4.forward(l3);
        return new[] { l1.MoveToOuterDisposeScope(), l2.MoveToOuterDisposeScope(), l3.MoveToOuterDisposeScope(), l4.MoveToOuterDisposeScope() };
    }

    private static Sequential Stage(int inChannels, int outChannels, int stride, int blocks)
    {
        var modules = new List<(string, Module<Tensor, Tensor>)> { ("0", new ResNetBasicBlock(inChannels, outChannels, stride)) };
        for (int i = 1; i < blocks; i++)
        {
            modules.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), new ResNetBasicBlock(outChannels, outChannels, 1)));
        }

        return nn.Sequential(modules);
    }

    private static TensorData Initializer(OnnxModel model, string name, string sourceName) =>
        model.Initializers.TryGetValue(name, out var t) ? t : throw new CheckpointFormatException($"{sourceName}: {name} is not an initializer.");
}
