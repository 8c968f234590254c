using System.Globalization;
using System.Text.RegularExpressions;
using T2F.Core.Checkpoints;

namespace T2F.Core.Generation;

/// <summary>
/// The StyleGAN2 tensors of one file, in the reference's (rosinality) key layout: a train.py checkpoint
/// (<c>g</c>, <c>d</c>, <c>g_ema</c>, optimisers, <c>args</c>), a convert_weight.py file (<c>g_ema</c>, <c>latent_avg</c>),
/// a flat generator or discriminator state dict (.pt), or a safetensors file (flat, or with <c>g_ema.</c> / <c>d.</c> prefixes).
/// </summary>
public sealed partial class StyleGan2Weights
{
    private StyleGan2Weights(string source, IReadOnlyDictionary<string, TensorData>? generator, string? generatorKey, IReadOnlyDictionary<string, TensorData>? discriminator, TensorData? latentAvg, IReadOnlyDictionary<string, object?> args)
    {
        Source = source;
        Generator = generator;
        GeneratorKey = generatorKey;
        Discriminator = discriminator;
        LatentAvg = latentAvg;
        Args = args;
    }

    /// <summary>The file the weights came from.</summary>
    public string Source { get; }

    /// <summary>Generator state dict: <c>g_ema</c> when present (the one to render with), else <c>g</c>, else a flat generator dict.</summary>
    public IReadOnlyDictionary<string, TensorData>? Generator { get; }

    /// <summary>Which entry <see cref="Generator"/> came from (<c>g_ema</c>, <c>g</c>, or empty for a flat file).</summary>
    public string? GeneratorKey { get; }

    /// <summary>Discriminator state dict (<c>d</c>), if the file has one.</summary>
    public IReadOnlyDictionary<string, TensorData>? Discriminator { get; }

    /// <summary>The mean w that convert_weight.py stores (<c>latent_avg</c>, [style_dim]), if present.</summary>
    public TensorData? LatentAvg { get; }

    /// <summary>Training arguments (<c>args</c>, a dict or an argparse.Namespace's attributes); empty when absent.</summary>
    public IReadOnlyDictionary<string, object?> Args { get; }

    /// <summary>Reads a .pt / .pth (PyTorch zip or legacy format) or .safetensors file. Never executes anything the file names.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a StyleGAN2 checkpoint, or is damaged.</exception>
    public static StyleGan2Weights Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"StyleGAN2 checkpoint {path} does not exist. Pass the path of a rosinality .pt file or a .safetensors file.", path);
        }

        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            return FromSafeTensors(path, SafeTensorsFile.Read(path));
        }

        return FromPickle(path, PyTorchCheckpoint.Load(path));
    }

    /// <summary>
    /// As <see cref="Read"/>, but a .safetensors file stays open in <paramref name="openFile"/> and its tensors are read
    /// only when copied (straight into a model's parameters); the caller disposes <paramref name="openFile"/>.
    /// </summary>
    internal static StyleGan2Weights Open(string path, out SafeTensorsReader? openFile)
    {
        openFile = null;
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || !File.Exists(path))
        {
            return Read(path);
        }

        openFile = SafeTensorsFile.Open(path);
        try
        {
            return FromSafeTensors(path, openFile.Content);
        }
        catch
        {
            openFile.Dispose();
            openFile = null;
            throw;
        }
    }

    /// <summary>Infers the generator architecture from the tensor shapes (never from a hard-coded table).</summary>
    /// <param name="mappingLrMul">lr_mlp; null takes <c>args.lr_mlp</c> when present, else the reference's 0.01.</param>
    public GeneratorConfig InferGeneratorConfig(float? mappingLrMul = null)
    {
        var g = Generator ?? throw new CheckpointFormatException($"{Source} has no generator weights (no g_ema, g or flat generator state dict).");
        var style = new SortedSet<int>(g.Keys.Select(k => MappingKey().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        var modulation = Need(g, "conv1.conv.modulation.weight", 2);
        int styleDim = (int)modulation.Shape[1];
        var channels = new Dictionary<int, int> { [4] = (int)Need(g, "input.input", 4).Shape[1] };
        int blocks = 0;
        while (g.ContainsKey($"to_rgbs.{blocks}.conv.weight"))
        {
            var w = Need(g, $"convs.{2 * blocks}.conv.weight", 5);
            channels[8 << blocks] = (int)w.Shape[1];
            blocks++;
        }

        if (blocks == 0)
        {
            throw new CheckpointFormatException($"{Source}: the generator has no to_rgbs.N layers, so its resolution cannot be read; is this a StyleGAN2 (rosinality) generator?");
        }

        var taps = g.TryGetValue("convs.0.conv.blur.kernel", out var kernel) ? TapsOf(kernel) : StyleGan2Defaults.BlurTaps;
        float lrMul = mappingLrMul ?? ArgAsFloat("lr_mlp") ?? StyleGan2Defaults.MappingLrMul;
        var config = new GeneratorConfig(4 << blocks, styleDim, style.Count, channels, lrMul, taps);
        config.Validate();
        return config;
    }

    /// <summary>Infers the discriminator architecture from the tensor shapes.</summary>
    public DiscriminatorConfig InferDiscriminatorConfig()
    {
        var d = Discriminator ?? throw new CheckpointFormatException($"{Source} has no discriminator weights (d).");
        int blocks = 0;
        while (d.ContainsKey($"convs.{blocks + 1}.conv2.1.weight"))
        {
            blocks++;
        }

        if (blocks == 0)
        {
            throw new CheckpointFormatException($"{Source}: the discriminator has no convs.N.conv2 blocks; is this a StyleGAN2 (rosinality) discriminator?");
        }

        int size = 4 << blocks;
        var channels = new Dictionary<int, int> { [size] = (int)Need(d, "convs.0.0.weight", 4).Shape[0] };
        for (int n = 1; n <= blocks; n++)
        {
            var w = Need(d, $"convs.{n}.conv2.1.weight", 4);
            channels[size >> (n - 1)] = (int)w.Shape[1];
            channels[size >> n] = (int)w.Shape[0];
        }

        var taps = d.TryGetValue("convs.1.conv2.0.kernel", out var kernel) ? TapsOf(kernel) : StyleGan2Defaults.BlurTaps;
        var config = new DiscriminatorConfig(size, channels, taps);
        config.Validate();
        return config;
    }

    private float? ArgAsFloat(string name) => Args.TryGetValue(name, out var v) ? v switch
    {
        double d => (float)d,
        long l => l,
        _ => null,
    }
        : null;

    private TensorData Need(IReadOnlyDictionary<string, TensorData> dict, string key, int rank)
    {
        if (!dict.TryGetValue(key, out var t))
        {
            throw new CheckpointFormatException($"{Source}: tensor '{key}' is missing, so the architecture cannot be read from the weights.");
        }

        if (t.Rank != rank)
        {
            throw new CheckpointFormatException($"{Source}: tensor '{key}' has shape {TensorData.FormatShape(t.Shape)}, expected rank {rank}.");
        }

        return t;
    }

    /// <summary>A separable blur kernel K = k k^T / (sum k)^2 * g has row sums proportional to k; make_kernel renormalises.</summary>
    private static IReadOnlyList<float> TapsOf(TensorData kernel)
    {
        if (kernel.Rank != 2)
        {
            return StyleGan2Defaults.BlurTaps;
        }

        var values = kernel.ToFloatArray();
        int rows = (int)kernel.Shape[0], cols = (int)kernel.Shape[1];
        var taps = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                taps[r] += values[(r * cols) + c];
            }
        }

        return taps;
    }

    internal static StyleGan2Weights FromSafeTensors(string path, SafeTensorsContent content)
    {
        var tensors = content.Tensors;
        Dictionary<string, TensorData> Prefixed(string prefix) => tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
        var args = content.Metadata.ToDictionary(p => p.Key, p => (object?)(double.TryParse(p.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : p.Value));
        tensors.TryGetValue("latent_avg", out var latentAvg);
        var g = Prefixed("g_ema.");
        var d = Prefixed("d.");
        if (g.Count > 0 || d.Count > 0)
        {
            return new StyleGan2Weights(path, g.Count > 0 ? g : null, g.Count > 0 ? "g_ema" : null, d.Count > 0 ? d : null, latentAvg, args);
        }

        return Flat(path, tensors.Where(p => p.Key != "latent_avg").ToDictionary(p => p.Key, p => p.Value), latentAvg, args);
    }

    private static StyleGan2Weights FromPickle(string path, object? root)
    {
        if (root is not PickleDict dict)
        {
            throw new CheckpointFormatException($"{path} holds a {root?.GetType().Name ?? "None"}, not a dictionary: it is not a StyleGAN2 checkpoint (expected train.py's g/d/g_ema dict, convert_weight.py's g_ema/latent_avg, or a state dict).");
        }

        var args = ReadArgs(dict);
        TensorData? latentAvg = StateDictReader.TryGetEntry(dict, "latent_avg", out var la) ? la as TensorData : null;
        bool hasG = StateDictReader.TryGetEntry(dict, "g_ema", out _) || StateDictReader.TryGetEntry(dict, "g", out _);
        bool hasD = StateDictReader.TryGetEntry(dict, "d", out _);
        if (hasG || hasD)
        {
            string? key = StateDictReader.TryGetEntry(dict, "g_ema", out _) ? "g_ema" : hasG ? "g" : null;
            var g = key is null ? null : StateDictReader.GetStateDict(dict, key, path);
            var d = hasD ? StateDictReader.GetStateDict(dict, "d", path) : null;
            return new StyleGan2Weights(path, g, key, d, latentAvg, args);
        }

        if (dict.Values.All(v => v is TensorData))
        {
            var flat = StateDictReader.ToStateDict(dict, path).Where(p => p.Key != "latent_avg").ToDictionary(p => p.Key, p => p.Value);
            return Flat(path, flat, latentAvg, args);
        }

        throw new CheckpointFormatException($"{path} is a dictionary with keys [{string.Join(", ", dict.Keys.Take(12))}] but holds no StyleGAN2 weights: expected g_ema / g / d (rosinality train.py or convert_weight.py) or a flat state dict.");
    }

    private static StyleGan2Weights Flat(string path, Dictionary<string, TensorData> tensors, TensorData? latentAvg, IReadOnlyDictionary<string, object?> args)
    {
        if (tensors.ContainsKey("conv1.conv.weight"))
        {
            return new StyleGan2Weights(path, tensors, string.Empty, null, latentAvg, args);
        }

        if (tensors.ContainsKey("final_linear.0.weight"))
        {
            return new StyleGan2Weights(path, null, null, tensors, latentAvg, args);
        }

        throw new CheckpointFormatException($"{path}: the state dict has neither conv1.conv.weight (a StyleGAN2 generator) nor final_linear.0.weight (a discriminator); first keys: {string.Join(", ", tensors.Keys.Take(8))}.");
    }

    private static Dictionary<string, object?> ReadArgs(PickleDict root)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!StateDictReader.TryGetEntry(root, "args", out var args))
        {
            return result;
        }

        // train.py pickles an argparse.Namespace, whose attributes arrive as the BUILD state; a plain dict is read as is.
        var source = args switch
        {
            PickleDict d => d,
            PickledObject o => o.State as PickleDict,
            _ => null,
        };
        if (source is not null)
        {
            foreach (var (key, value) in source)
            {
                if (key is string name)
                {
                    result[name] = value;
                }
            }
        }

        return result;
    }

    [GeneratedRegex(@"^style\.(\d+)\.weight$")]
    private static partial Regex MappingKey();
}
