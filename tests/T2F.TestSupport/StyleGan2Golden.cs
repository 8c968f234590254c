using System.Text.Json;
using T2F.Core.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Tests.TestSupport;

/// <summary>
/// A StyleGAN2 golden folder (schema stylegan2-golden/1). Everything - sizes, settings, names - comes from its
/// manifest.json, so the same tests run on any folder of the schema. Folder: $T2F_STYLEGAN2_GOLDEN, default
/// ../shared/golden/stylegan2-small relative to the repository root.
/// </summary>
public sealed class StyleGan2Golden
{
    public const string EnvironmentVariable = "T2F_STYLEGAN2_GOLDEN";
    public const string DefaultFolder = "../shared/golden/stylegan2-small";

    // Float32 against the reference's float32 goldens: convolution summation order differs between libtorch builds,
    // which moves images by ~1e-5; 1e-4 keeps a margin of ten while still catching any wrong weight or missing term.
    public const double ImageAtol = 1e-4, ImageRtol = 1e-4;
    public const double ScalarAtol = 1e-5, ScalarRtol = 1e-4;

    private static readonly Lazy<StyleGan2Golden> Shared = new(() => new StyleGan2Golden(RepoPaths.GoldenFolder(EnvironmentVariable, DefaultFolder)));

    private StyleGan2Golden(string folder)
    {
        Folder = folder;
        Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement;
        var schema = Manifest.GetProperty("schema").GetString();
        if (schema != "stylegan2-golden/1")
        {
            throw new InvalidDataException($"{folder}: schema {schema}, these tests read stylegan2-golden/1.");
        }
    }

    public static StyleGan2Golden Instance => Shared.Value;

    public string Folder { get; }

    public JsonElement Manifest { get; }

    public JsonElement Model => Manifest.GetProperty("model");

    public int Size => Model.GetProperty("size").GetInt32();

    public int StyleDim => Model.GetProperty("style_dim").GetInt32();

    public int MappingLayers => Model.GetProperty("n_mlp").GetInt32();

    public float LrMlp => Model.GetProperty("lr_mlp").GetSingle();

    public IReadOnlyList<float> BlurTaps => Model.GetProperty("blur_kernel").EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public int NumLayers => Model.GetProperty("num_layers").GetInt32();

    public int LatentCount => Model.GetProperty("n_latent").GetInt32();

    public IReadOnlyDictionary<int, int> Channels => Model.GetProperty("channels").EnumerateObject()
        .ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetInt32());

    public GeneratorConfig GeneratorConfig => new(Size, StyleDim, MappingLayers, Channels, LrMlp, BlurTaps);

    public DiscriminatorConfig DiscriminatorConfig => new(Size, Channels, BlurTaps);

    public JsonElement Case(string name) => Manifest.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    public bool HasTensor(string name) => Manifest.GetProperty("tensors").TryGetProperty(name, out _);

    public IEnumerable<string> TensorNames(string prefix) => Manifest.GetProperty("tensors").EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal));

    public Tensor Tensor(string name)
    {
        if (!Manifest.GetProperty("tensors").TryGetProperty(name, out var entry))
        {
            throw new KeyNotFoundException($"{Folder}/manifest.json has no tensor '{name}'.");
        }

        return Load(entry);
    }

    public float Scalar(string name) => Manifest.GetProperty("tensors").GetProperty(name).GetProperty("value").GetSingle();

    /// <summary>The state dict (g_ema or d) as TorchSharp tensors, from the raw .bin files.</summary>
    public Dictionary<string, Tensor> StateDict(string which)
        => Manifest.GetProperty("state_dicts").GetProperty(which).EnumerateObject().ToDictionary(p => p.Name, p => Load(p.Value));

    public IReadOnlyList<Tensor> Noise() => Enumerable.Range(0, NumLayers).Select(i => Tensor($"input.noise.{i}")).ToList();

    public StyleGan2Generator LoadGenerator()
    {
        var g = new StyleGan2Generator(GeneratorConfig);
        T2F.Core.Checkpoints.ModuleStateLoader.Load(g, StateDict("g_ema"), Folder + " g_ema");
        g.eval();
        return g;
    }

    public StyleGan2Discriminator LoadDiscriminator()
    {
        var d = new StyleGan2Discriminator(DiscriminatorConfig);
        T2F.Core.Checkpoints.ModuleStateLoader.Load(d, StateDict("d"), Folder + " d");
        d.eval();
        return d;
    }

    private Tensor Load(JsonElement entry)
    {
        var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var bytes = File.ReadAllBytes(Path.Combine(Folder, entry.GetProperty("file").GetString()!));
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (bytes.Length != count * 4)
        {
            throw new InvalidDataException($"{entry.GetProperty("file").GetString()}: {bytes.Length} bytes, shape needs {count * 4}.");
        }

        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return torch.tensor(values, shape);
    }
}
