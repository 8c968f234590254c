using T2F.Core.Checkpoints;
using T2F.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Perceptual;

/// <summary>
/// torchvision's <c>vgg16</c> convolutional part (<c>features</c>: 13 conv3x3 + ReLU, 5 max pools, at torchvision's
/// indices, so the state-dict keys are <c>features.0.weight</c> ... <c>features.28.bias</c>) as a frozen perceptual
/// network. Images in [-1, 1] are mapped to [0, 1] and normalised with the ImageNet mean (0.485, 0.456, 0.406) and
/// standard deviation (0.229, 0.224, 0.225), as torchvision's weights expect. <see cref="ForwardLayers"/> returns
/// relu1_2, relu2_2, relu3_3 and relu4_3 (features.3, .8, .15, .22): the layers of Johnson et al.'s perceptual loss
/// and of LPIPS-style losses, from edges to object parts; the fifth block is computed by nothing.
/// </summary>
public sealed class Vgg16PerceptualNet : Module<Tensor, Tensor>, IPerceptualNetwork
{
    /// <summary>The conv widths and pools of VGG16 (configuration "D"); 0 is a max pool.</summary>
    private static readonly int[] Config = { 64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0 };

    /// <summary>The <c>features</c> indices whose outputs <see cref="ForwardLayers"/> returns.</summary>
    public static IReadOnlyList<int> LayerIndices { get; } = new[] { 3, 8, 15, 22 };

    private static readonly string[] Names = { "relu1_2", "relu2_2", "relu3_3", "relu4_3" };

    private readonly Sequential features;
    private readonly Tensor mean;
    private readonly Tensor std;

    /// <summary>Creates the network with TorchSharp's default initialisation (load weights with <see cref="Load"/> before use).</summary>
    public Vgg16PerceptualNet()
        : base(nameof(Vgg16PerceptualNet))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int inChannels = 3;
        foreach (int c in Config)
        {
            if (c == 0)
            {
                layers.Add((layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.MaxPool2d(2, 2)));
                continue;
            }

            layers.Add((layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Conv2d(inChannels, c, 3, padding: 1)));
            layers.Add((layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.ReLU()));
            inChannels = c;
        }

        features = nn.Sequential(layers);
        mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }).reshape(1, 3, 1, 1);
        std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }).reshape(1, 3, 1, 1);
        register_module("features", features);
        register_buffer("mean", mean, persistent: false);
        register_buffer("std", std, persistent: false);
        ModuleLifetime.DetachFromDisposeScopes(this);
    }

    /// <inheritdoc />
    public string Name => "torchvision vgg16 features";

    /// <inheritdoc />
    public IReadOnlyList<string> LayerNames => Names;

    /// <summary>
    /// Loads a torchvision <c>vgg16</c> state dict (e.g. <c>vgg16-397923af.pth</c>, read with the project's safe
    /// unpickler; nothing in the file is executed). <c>classifier.*</c> is ignored; every <c>features.*</c> tensor must be
    /// present with the right shape, else one <see cref="StateDictMismatchException"/> lists all differences. The
    /// network comes back in eval mode with its parameters frozen (gradients still flow to the input).
    /// </summary>
    /// <param name="path">The .pth file.</param>
    /// <returns>The network (dispose it).</returns>
    public static Vgg16PerceptualNet Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var root = PyTorchCheckpoint.Load(path);
        var stateDict = StateDictReader.ToStateDict(StateDictReader.TryGetEntry(root, "state_dict", out var inner) ? inner : root, path);
        var model = new Vgg16PerceptualNet();
        try
        {
            using var scope = torch.NewDisposeScope();
            var source = stateDict.Where(kv => !kv.Key.StartsWith("classifier.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value.ToTensor());

            ModuleStateLoader.Load(model, source, path);
            model.Freeze();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Eval mode, and no parameter requires gradients.</summary>
    public void Freeze()
    {
        eval();
        ModuleGradients.Set(this, false);
    }

    /// <summary>The relu4_3 activations.</summary>
    /// <param name="input">[N, 3, H, W] in [-1, 1].</param>
    /// <returns>[N, 512, H/8, W/8].</returns>
    public override Tensor forward(Tensor input)
    {
        var layers = ForwardLayers(input);
        for (int i = 0; i < layers.Length - 1; i++)
        {
            layers[i].Dispose();
        }

        return layers[^1];
    }

    /// <inheritdoc />
    public Tensor[] ForwardLayers(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        TensorShapes.Expect(images, 4, "Vgg16PerceptualNet input", "[N, 3, H, W]");
        TensorShapes.ExpectDim(images, 1, 3, "Vgg16PerceptualNet input", "[N, 3, H, W]");
        using var scope = torch.NewDisposeScope();
        var x = (((images + 1) * 0.5) - mean.to(images.device)) / std.to(images.device);
        var outputs = new List<Tensor>();
        int last = LayerIndices[^1];
        int index = 0;
        foreach (var layer in features.children())
        {
            x = ((Module<Tensor, Tensor>)layer).forward(x);
            if (LayerIndices.Contains(index))
            {
                outputs.Add(x);
            }

            if (index == last)
            {
                break;
            }

            index++;
        }

        return outputs.Select(o => o.MoveToOuterDisposeScope()).ToArray();
    }
}
