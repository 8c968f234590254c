using System.Globalization;
using System.Text.Json;
using T2F.Core.Checkpoints;
using T2F.Core.Generation;
using T2F.Core.Projection;
using T2F.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Pipeline;

/// <summary>
/// Text in, face out: a text encoder, the paper's latent projector and a StyleGAN2 generator. A model bundle is a
/// folder with <c>model.json</c> (format, projector architecture, text encoder name), <c>projector.safetensors</c> and
/// <c>generator.safetensors</c>, written atomically. The text encoder is supplied by the caller (for MiniLM:
/// <c>T2F.Models.MiniLM.MiniLM.LoadEncoder()</c>), so T2F.Core ships no weights. Not thread-safe.
/// </summary>
public sealed class TextToFacePipeline : IDisposable
{
    /// <summary>The bundle format this version reads and writes.</summary>
    public const string Format = "t2f-bundle/1";

    /// <summary>Longest description accepted, in characters (the encoder truncates long texts to its token limit anyway).</summary>
    public const int MaxDescriptionLength = 100_000;

    private readonly bool ownsEncoder;

    /// <summary>Composes a pipeline; it owns the projector and generator (and the encoder when <paramref name="ownsEncoder"/>).</summary>
    /// <param name="encoder">Text encoder.</param>
    /// <param name="projector">Projector (embedding size must match the encoder; style size and latent count the generator).</param>
    /// <param name="generator">Generator.</param>
    /// <param name="encoderName">Name recorded in bundles (e.g. <c>all-MiniLM-L6-v2</c>).</param>
    /// <param name="ownsEncoder">Dispose the encoder with the pipeline.</param>
    public TextToFacePipeline(ITextEncoder encoder, MlpLatentProjector projector, StyleGan2Model generator, string encoderName, bool ownsEncoder = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrEmpty(encoderName);
        if (encoder.EmbeddingSize != projector.EmbeddingSize)
        {
            throw new ArgumentException($"The text encoder gives {encoder.EmbeddingSize}-d embeddings but the projector takes {projector.EmbeddingSize}-d: use the encoder the projector was trained with ({encoderName}).");
        }

        if (projector.Config.StyleSize != generator.StyleSize || (projector.Space == LatentSpace.WPlus && projector.Config.LatentCount != generator.LatentCount))
        {
            throw new ArgumentException($"The projector (style {projector.Config.StyleSize}, {projector.Config.LatentCount} latents) does not fit the generator (style {generator.StyleSize}, {generator.LatentCount} latents).");
        }

        Encoder = encoder;
        Projector = projector;
        Generator = generator;
        EncoderName = encoderName;
        this.ownsEncoder = ownsEncoder;
        projector.eval();
    }

    /// <summary>The text encoder.</summary>
    public ITextEncoder Encoder { get; }

    /// <summary>The projector.</summary>
    public MlpLatentProjector Projector { get; }

    /// <summary>The generator.</summary>
    public StyleGan2Model Generator { get; }

    /// <summary>The text encoder's name as recorded in bundles.</summary>
    public string EncoderName { get; }

    /// <summary>Output resolution.</summary>
    public int Resolution => Generator.Resolution;

    /// <summary>Loads a bundle folder written by <see cref="Save"/>.</summary>
    /// <param name="folder">The bundle folder.</param>
    /// <param name="encoder">The text encoder named in the bundle's model.json (the pipeline takes ownership; if loading fails it stays the caller's).</param>
    /// <exception cref="FileNotFoundException">A bundle file is missing.</exception>
    /// <exception cref="CheckpointFormatException">model.json is not a bundle of this format.</exception>
    public static TextToFacePipeline Load(string folder, ITextEncoder encoder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(encoder);
        string json = Path.Combine(folder, "model.json");
        if (!File.Exists(json))
        {
            throw new FileNotFoundException($"{folder} is not a T2F model bundle: it has no model.json. Bundles are written by TextToFacePipeline.Save.", json);
        }

        BundleManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(json)) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{json} is not valid bundle JSON ({e.Message}); re-save the bundle.", e);
        }

        if (manifest.Format != Format)
        {
            throw new CheckpointFormatException($"{json} has format '{manifest.Format}'; this version reads '{Format}'.");
        }

        foreach (var file in new[] { "projector.safetensors", "generator.safetensors" })
        {
            if (!File.Exists(Path.Combine(folder, file)))
            {
                throw new FileNotFoundException($"The bundle {folder} lacks {file}; it was not written completely or was edited.", Path.Combine(folder, file));
            }
        }

        var generator = StyleGan2Model.Load(Path.Combine(folder, "generator.safetensors"));
        MlpLatentProjector? projector = null;
        try
        {
            var space = Enum.Parse<LatentSpace>(manifest.Space);
            var config = new LatentProjectorConfig(manifest.EmbeddingSize, manifest.StyleSize, manifest.LatentCount, space, manifest.HiddenSize, manifest.Depth, manifest.NoiseSize, manifest.LayerNorm, manifest.Dropout);
            projector = new MlpLatentProjector(config);
            using (var scope = torch.NewDisposeScope())
            {
                var tensors = SafeTensorsFile.Read(Path.Combine(folder, "projector.safetensors")).Tensors.ToDictionary(p => p.Key, p => p.Value.ToTensor());
                ModuleStateLoader.Load(projector, tensors, Path.Combine(folder, "projector.safetensors"));
            }

            return new TextToFacePipeline(encoder, projector, generator, manifest.TextEncoder, ownsEncoder: true);
        }
        catch
        {
            projector?.Dispose();
            generator.Dispose();
            throw;
        }
    }

    /// <summary>Writes the bundle folder atomically (into a temporary folder, then renamed over <paramref name="folder"/>).</summary>
    /// <param name="folder">Target folder.</param>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string full = Path.GetFullPath(folder);
        string parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{folder}' has no parent folder.", nameof(folder));
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        string? old = null;
        try
        {
            Directory.CreateDirectory(temp);
            Generator.SaveSafeTensors(Path.Combine(temp, "generator.safetensors"));
            SafeTensorsFile.Write(Path.Combine(temp, "projector.safetensors"), Projector.state_dict().Select(p => new KeyValuePair<string, TensorData>(p.Key, p.Value.ToTensorData())));
            var c = Projector.Config;
            var manifest = new BundleManifest(Format, EncoderName, c.EmbeddingSize, c.StyleSize, c.LatentCount, c.Space.ToString(), c.HiddenSize, c.Depth, c.NoiseSize, c.LayerNorm, c.Dropout, Generator.Resolution);
            IO.AtomicFile.WriteText(Path.Combine(temp, "model.json"), w => w.Write(JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true })));
            if (Directory.Exists(full))
            {
                old = full + "." + Guid.NewGuid().ToString("N") + ".old";
                Directory.Move(full, old);
            }

            Directory.Move(temp, full);
            if (old is not null)
            {
                Directory.Delete(old, true);
            }
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, true);
            }

            if (old is not null && !Directory.Exists(full))
            {
                Directory.Move(old, full);
            }

            throw;
        }
    }

    /// <summary>Generates faces for one description.</summary>
    /// <param name="description">A face description, e.g. "The woman has wavy blond hair and is smiling."</param>
    /// <param name="options">Seed, faces per description, truncation.</param>
    public IReadOnlyList<GeneratedFace> Generate(string description, GenerationOptions? options = null)
        => Generate(new[] { description ?? throw new ArgumentNullException(nameof(description)) }, options);

    /// <summary>Generates faces for several descriptions (faces of description i come before those of i + 1).</summary>
    /// <param name="descriptions">Face descriptions.</param>
    /// <param name="options">Seed, faces per description, truncation.</param>
    public IReadOnlyList<GeneratedFace> Generate(IReadOnlyList<string> descriptions, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(descriptions);
        options ??= new GenerationOptions();
        if (descriptions.Count == 0)
        {
            throw new ArgumentException("Give at least one description.", nameof(descriptions));
        }

        for (int i = 0; i < descriptions.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(descriptions[i]))
            {
                throw new ArgumentException($"Description {i} is empty; describe the face, e.g. \"The man has black hair and a beard.\"", nameof(descriptions));
            }

            if (descriptions[i].Length > MaxDescriptionLength)
            {
                throw new ArgumentException($"Description {i} has {descriptions[i].Length.ToString(CultureInfo.InvariantCulture)} characters; the limit is {MaxDescriptionLength} (the encoder reads only the first few hundred tokens anyway).", nameof(descriptions));
            }
        }

        if (options.FacesPerDescription < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FacesPerDescription, "FacesPerDescription must be at least 1.");
        }

        int per = options.FacesPerDescription;
        var texts = descriptions.SelectMany(d => Enumerable.Repeat(d, per)).ToList();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var embeddings = Encoder.Encode(texts).to(ScalarType.Float32).cpu();
        Tensor? noise = null;
        if (Projector.NoiseSize > 0)
        {
            using var gen = new torch.Generator((ulong)(options.Seed & 0x7fffffffffff));
            noise = torch.randn(new long[] { texts.Count, Projector.NoiseSize }, generator: gen);
        }

        var latents = Projector.Project(embeddings, noise);
        var styles = Projector.Space == LatentSpace.Z ? Generator.Map(latents) : latents;
        var images = Generator.Synthesize(styles, new SynthesisOptions { Truncation = options.Truncation, Seed = options.Seed });
        var faces = new List<GeneratedFace>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            faces.Add(new GeneratedFace(texts[i], i % per, images[i].clone().DetachFromDisposeScope()));
        }

        return faces;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Projector.Dispose();
        Generator.Dispose();
        if (ownsEncoder)
        {
            Encoder.Dispose();
        }
    }

    private sealed record BundleManifest(string Format, string TextEncoder, int EmbeddingSize, int StyleSize, int LatentCount, string Space, int HiddenSize, int Depth, int NoiseSize, bool LayerNorm, double Dropout, int Resolution);
}
