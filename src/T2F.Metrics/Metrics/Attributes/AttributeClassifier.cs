using System.Globalization;
using T2F.Core.Checkpoints;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.Attributes;

/// <summary>
/// A small CNN that predicts the 40 CelebA attributes of a face: four blocks of 3x3 convolution, LeakyReLU and 2x2
/// max-pooling (16, 32, 64, 128 channels) on a 64x64 input, then a linear layer to 40 logits. Images of other sizes
/// are resized first (area averaging when larger, bilinear when smaller). Only the attributes in
/// <see cref="TrainedAttributes"/> were trained; the other outputs mean nothing. Not thread-safe.
/// </summary>
public sealed class AttributeClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>The input resolution of the network.</summary>
    public const int InputSize = 64;

    /// <summary>Format tag stored in the safetensors metadata.</summary>
    public const string FormatTag = "t2f-attribute-classifier/1";


    private static readonly int[] Widths = [16, 32, 64, 128];

    private readonly Sequential features;
    private readonly Linear head;

    /// <summary>Creates an untrained classifier with weights drawn from <paramref name="seed"/>.</summary>
    /// <param name="seed">Initialisation seed.</param>
    /// <param name="trainedAttributes">The attributes it is (to be) trained on; default the SynthFaces renderable ones.</param>
    public AttributeClassifier(long seed = 0, AttributeSet? trainedAttributes = null)
        : base(nameof(AttributeClassifier))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        using (var generator = new Generator((ulong)seed))
        {
            int inChannels = 3;
            for (int i = 0; i < Widths.Length; i++)
            {
                var conv = nn.Conv2d(inChannels, Widths[i], 3, padding: 1);
                Init(conv.weight, conv.bias!, inChannels * 9, generator);
                layers.Add(($"conv{i}", conv));
                layers.Add(($"act{i}", nn.LeakyReLU(0.2)));
                layers.Add(($"pool{i}", nn.MaxPool2d(2)));
                inChannels = Widths[i];
            }

            features = nn.Sequential(layers);
            int flat = Widths[^1] * (InputSize >> Widths.Length) * (InputSize >> Widths.Length);
            head = nn.Linear(flat, CelebAAttributes.Count);
            Init(head.weight, head.bias!, flat, generator);
        }

        TrainedAttributes = trainedAttributes ?? SynthFaceSampler.RenderableAttributes;
        RegisterComponents();
    }

    /// <summary>The attributes whose outputs were trained (the others are not meaningful).</summary>
    public AttributeSet TrainedAttributes { get; private set; }

    /// <summary>A name to report beside numbers computed with this classifier.</summary>
    public string Name { get; private set; } = "T2F attribute CNN (untrained)";

    /// <summary>Logits [N, 40] of images [N, 3, H, W] in [-1, 1] (any H, W; resized to 64x64).</summary>
    /// <param name="input">Images.</param>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != 3)
        {
            throw new ArgumentException($"Expected images [N, 3, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        using var scope = torch.NewDisposeScope();
        var x = Resize(input.to(ScalarType.Float32));
        var h = features.forward(x).flatten(1);
        return head.forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>Probabilities [N, 40] (sigmoid of the logits), computed without gradients, in batches of 256.</summary>
    /// <param name="images">[N, 3, H, W] in [-1, 1].</param>
    /// <returns>float32 on the images' device; the caller owns it.</returns>
    public Tensor Predict(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        bool wasTraining = training;
        eval();
        try
        {
            var parts = new List<Tensor>();
            for (long i = 0; i < images.shape[0]; i += 256)
            {
                parts.Add(torch.sigmoid(forward(images[TensorIndex.Slice(i, Math.Min(i + 256, images.shape[0]))])));
            }

            var result = parts.Count == 0 ? torch.zeros(0, CelebAAttributes.Count) : torch.cat(parts, 0);
            return result.MoveToOuterDisposeScope();
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>The attribute sets found in <paramref name="images"/>: trained attributes with probability ≥ <paramref name="threshold"/>.</summary>
    /// <param name="images">[N, 3, H, W] in [-1, 1].</param>
    /// <param name="threshold">Decision threshold (default 0.5).</param>
    public IReadOnlyList<AttributeSet> PredictSets(Tensor images, double threshold = 0.5)
    {
        using var scope = torch.NewDisposeScope();
        using var p = Predict(images).cpu();
        return ToSets(p, TrainedAttributes, threshold);
    }

    /// <summary>Writes the weights to a safetensors file, atomically.</summary>
    /// <param name="path">Target file (its folder must exist).</param>
    /// <param name="name">Optional name stored with the weights (reported by <see cref="Name"/> after loading).</param>
    public void Save(string path, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = state_dict().Select(kv => KeyValuePair.Create(kv.Key, kv.Value.ToTensorData())).ToList();
        SafeTensorsFile.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = FormatTag,
            ["trained_attributes"] = TrainedAttributes.Bits.ToString(CultureInfo.InvariantCulture),
            ["name"] = name ?? Name,
        });
    }

    /// <summary>Loads a classifier written by <see cref="Save"/>.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <exception cref="CheckpointFormatException">The file is not an attribute-classifier file.</exception>
    public static AttributeClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromContent(SafeTensorsFile.Read(path), path);
    }

    /// <summary>Loads a classifier in the <see cref="Save"/> format from a stream (an embedded resource, a download).</summary>
    /// <param name="stream">The safetensors bytes; read to the end, not disposed.</param>
    /// <param name="sourceName">Names the source in error messages.</param>
    /// <exception cref="CheckpointFormatException">The bytes are not an attribute-classifier file.</exception>
    public static AttributeClassifier Load(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);

        // A classifier is well under a megabyte; the bound keeps a wrong stream (a dataset, a device) from being
        // read into memory whole.
        const int maxBytes = 64 << 20;
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new CheckpointFormatException($"{sourceName} is over {maxBytes >> 20} MB, too large for an attribute-classifier file; pass the classifier's own safetensors file.");
            }

            buffer.Write(chunk, 0, read);
        }

        return FromContent(SafeTensorsFile.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), sourceName), sourceName);
    }

    /// <summary>Sets of attributes at or above a threshold, restricted to <paramref name="judged"/>.</summary>
    /// <param name="probabilities">[N, 40] probabilities on the CPU.</param>
    /// <param name="judged">Attributes to report.</param>
    /// <param name="threshold">Decision threshold.</param>
    public static IReadOnlyList<AttributeSet> ToSets(Tensor probabilities, AttributeSet judged, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        using var scope = torch.NewDisposeScope();
        var p = probabilities.detach().to(ScalarType.Float32).cpu().contiguous();
        long n = p.shape[0];
        var values = p.data<float>().ToArray();
        var sets = new AttributeSet[n];
        for (long i = 0; i < n; i++)
        {
            ulong bits = 0;
            for (int a = 0; a < CelebAAttributes.Count; a++)
            {
                if (values[(i * CelebAAttributes.Count) + a] >= threshold)
                {
                    bits |= 1UL << a;
                }
            }

            sets[i] = AttributeSet.FromBits(bits).Intersect(judged);
        }

        return sets;
    }

    private static AttributeClassifier FromContent(SafeTensorsContent content, string source)
    {
        if (!content.Metadata.TryGetValue("format", out var format) || format != FormatTag)
        {
            throw new CheckpointFormatException($"{source} is not an attribute-classifier file (metadata format '{format}', expected '{FormatTag}').");
        }

        var trained = content.Metadata.TryGetValue("trained_attributes", out var bits)
            ? AttributeSet.FromBits(ulong.Parse(bits, CultureInfo.InvariantCulture))
            : SynthFaceSampler.RenderableAttributes;
        var classifier = new AttributeClassifier(0, trained);
        using (var scope = torch.NewDisposeScope())
        {
            ModuleStateLoader.Load(classifier, content.Tensors.ToTensors(), source);
        }

        classifier.Name = content.Metadata.TryGetValue("name", out var name) ? name : "T2F attribute CNN";
        classifier.eval();
        return classifier;
    }

    private static Tensor Resize(Tensor x)
    {
        long h = x.shape[2], w = x.shape[3];
        if (h == InputSize && w == InputSize)
        {
            return x;
        }

        return h >= InputSize && w >= InputSize
            ? nn.functional.adaptive_avg_pool2d(x, [InputSize, InputSize])
            : nn.functional.interpolate(x, [InputSize, InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    private static void Init(Tensor weight, Tensor bias, int fanIn, Generator generator)
    {
        using var noGrad = torch.no_grad();
        double bound = Math.Sqrt(6.0 / fanIn) / Math.Sqrt(1 + (0.2 * 0.2));
        weight.uniform_(-bound, bound, generator);
        bias.zero_();
    }
}
