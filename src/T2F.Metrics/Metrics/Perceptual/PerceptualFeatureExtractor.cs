using TorchSharp;
using static TorchSharp.torch;
using T2F.Core.Torch;

namespace T2F.Core.Metrics.Perceptual;

/// <summary>
/// An <see cref="IFeatureExtractor"/> over an <see cref="IPerceptualNetwork"/>: images are resized (bilinear) to a
/// fixed input size, and the activations of every layer are flattened, each scaled by sqrt(D / (L · n_l)) (D the
/// feature length, L the number of layers, n_l the layer's element count per image) and concatenated. With that
/// scaling the mean squared difference of two feature vectors (the projector trainer's perceptual loss) is the
/// average over the layers of each layer's mean squared activation difference: every layer counts equally, whatever
/// its size (otherwise the large early layers would dominate). Differentiable with respect to the images.
/// </summary>
public sealed class PerceptualFeatureExtractor : IFeatureExtractor
{
    private readonly IPerceptualNetwork network;
    private readonly bool ownsNetwork;
    private readonly double[] scales;
    private readonly int referenceSide;

    /// <summary>Wraps a network.</summary>
    /// <param name="network">The frozen network.</param>
    /// <param name="inputSize">Square side images are resized to before the network (e.g. 224); null keeps the
    /// images' size, which must then be <paramref name="referenceSize"/>.</param>
    /// <param name="referenceSize">The size used to measure the feature length when <paramref name="inputSize"/> is null.</param>
    /// <param name="ownsNetwork">Whether <see cref="Dispose"/> disposes the network.</param>
    public PerceptualFeatureExtractor(IPerceptualNetwork network, int? inputSize = 224, int referenceSize = 224, bool ownsNetwork = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (inputSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The input size must be positive.");
        }

        this.network = network;
        this.ownsNetwork = ownsNetwork;
        InputSize = inputSize;
        int side = inputSize ?? referenceSize;
        referenceSide = side;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var layers = network.ForwardLayers(torch.zeros(1, 3, side, side));
            LayerSizes = layers.Select(l => checked((int)l.numel())).ToArray();
        }

        FeatureSize = LayerSizes.Sum();
        scales = LayerSizes.Select(n => Math.Sqrt(FeatureSize / ((double)LayerSizes.Count * n))).ToArray();
        Name = $"{network.Name} [{string.Join(", ", network.LayerNames)}] at {side}x{side}, layers weighted equally";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int FeatureSize { get; }

    /// <summary>The square side images are resized to; null when they are used as given.</summary>
    public int? InputSize { get; }

    /// <summary>Elements per image of each layer's activation.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>The wrapped network.</summary>
    public IPerceptualNetwork Network => network;

    /// <inheritdoc />
    public Tensor Extract(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        TensorShapes.Expect(images, 4, "perceptual input", "[N, 3, H, W]");
        TensorShapes.ExpectDim(images, 1, 3, "perceptual input", "[N, 3, H, W]");
        using var scope = torch.NewDisposeScope();
        var x = images.dtype == ScalarType.Float32 ? images : images.to(ScalarType.Float32);
        if (InputSize is int side && (x.shape[2] != side || x.shape[3] != side))
        {
            x = nn.functional.interpolate(x, new long[] { side, side }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        var layers = network.ForwardLayers(x);
        var parts = new Tensor[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            parts[i] = layers[i].flatten(1) * scales[i];
        }

        var features = torch.cat(parts, 1);
        if (features.shape[1] != FeatureSize)
        {
            throw new ArgumentException($"The images gave {features.shape[1]} features, not {FeatureSize}: without an input size they must be {referenceSide}x{referenceSide}.", nameof(images));
        }

        return features.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsNetwork)
        {
            network.Dispose();
        }
    }
}
