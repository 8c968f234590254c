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
/// <c>T2F.Models.MiniLM.MiniLM.LoadEncoder()</c>), so T2F.Core ships no weights. Generate, Edit, Interpolate and Mix may run on several threads at once (8 threads
/// sharing one pipeline give the bytes of sequential calls: PipelineConcurrencyTests); Dispose only when no call runs.
/// </summary>
public sealed class TextToFacePipeline : IDisposable
{
    /// <summary>The bundle format this version reads and writes.</summary>
    public const string Format = "t2f-bundle/1";

    private readonly object mappedMeanLock = new();
    private Tensor? mappedMean;

    /// <summary>Longest description accepted, in characters (the encoder truncates long texts to its token limit anyway).</summary>
    public const int MaxDescriptionLength = 100_000;

    private readonly bool ownsEncoder;

    /// <summary>Composes a pipeline; it owns the projector and generator (and the encoder when <paramref name="ownsEncoder"/>).</summary>
    /// <param name="encoder">Text encoder (<see cref="BertTextEncoder"/>, or any <see cref="ITextEncoder"/>).</param>
    /// <param name="projector">Projector (<see cref="MlpLatentProjector"/>, or any <see cref="ILatentProjector"/>): its
    /// embedding size must match the encoder, its style size and latent count the generator.</param>
    /// <param name="generator">Generator (<see cref="StyleGan2Model"/>, or any <see cref="IStyleGenerator"/>).</param>
    /// <param name="encoderName">Name recorded in bundles (e.g. <c>all-MiniLM-L6-v2</c>).</param>
    /// <param name="ownsEncoder">Dispose the encoder with the pipeline.</param>
    public TextToFacePipeline(ITextEncoder encoder, ILatentProjector projector, IStyleGenerator generator, string encoderName, bool ownsEncoder = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrEmpty(encoderName);
        if (encoder.EmbeddingSize != projector.EmbeddingSize)
        {
            throw new ArgumentException($"The text encoder gives {encoder.EmbeddingSize}-d embeddings but the projector takes {projector.EmbeddingSize}-d: use the encoder the projector was trained with ({encoderName}).");
        }

        if (projector.StyleSize != generator.StyleSize || (projector.Space == LatentSpace.WPlus && projector.LatentCount != generator.LatentCount))
        {
            throw new ArgumentException($"The projector (style {projector.StyleSize}, {projector.LatentCount} latents) does not fit the generator (style {generator.StyleSize}, {generator.LatentCount} latents).");
        }

        Encoder = encoder;
        Projector = projector;
        Generator = generator;
        EncoderName = encoderName;
        this.ownsEncoder = ownsEncoder;
        if (projector is nn.Module module)
        {
            module.eval(); // dropout off
        }
    }

    /// <summary>The text encoder.</summary>
    public ITextEncoder Encoder { get; }

    /// <summary>The projector.</summary>
    public ILatentProjector Projector { get; }

    /// <summary>The generator.</summary>
    public IStyleGenerator Generator { get; }

    /// <summary>The text encoder's name as recorded in bundles.</summary>
    public string EncoderName { get; }

    /// <summary>Output resolution.</summary>
    public int Resolution => Generator.Resolution;

    /// <summary>Loads a bundle folder written by <see cref="Save"/>.</summary>
    /// <param name="folder">The bundle folder.</param>
    /// <param name="encoder">The text encoder named in the bundle's model.json (the pipeline takes ownership; if loading fails it stays the caller's).</param>
    /// <exception cref="FileNotFoundException">A bundle file is missing.</exception>
    /// <exception cref="CheckpointFormatException">model.json is not a bundle of this format.</exception>
    public static TextToFacePipeline Load(string folder, ITextEncoder encoder) => Load(folder, encoder, encoderName: null);

    /// <summary>Loads a bundle folder, checking that it was made for the encoder named <paramref name="encoderName"/>.</summary>
    /// <param name="folder">The bundle folder.</param>
    /// <param name="encoder">The text encoder (the pipeline takes ownership; if loading fails it stays the caller's).</param>
    /// <param name="encoderName">The encoder's name (e.g. <c>all-MiniLM-L6-v2</c>); null skips the check.</param>
    /// <exception cref="FileNotFoundException">A bundle file is missing.</exception>
    /// <exception cref="CheckpointFormatException">model.json is not a valid bundle of this format, or names another encoder or resolution.</exception>
    public static TextToFacePipeline Load(string folder, ITextEncoder encoder, string? encoderName)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(encoder);
        string json = Path.Combine(folder, "model.json");
        if (!File.Exists(json))
        {
            throw new FileNotFoundException($"{folder} is not a T2F model bundle: it has no model.json. Bundles are written by TextToFacePipeline.Save.", json);
        }

        var (manifest, space) = ReadManifest(File.ReadAllText(json), json, encoderName);
        foreach (var file in new[] { "projector.safetensors", "generator.safetensors" })
        {
            if (!File.Exists(Path.Combine(folder, file)))
            {
                throw new FileNotFoundException($"The bundle {folder} lacks {file}; it was not written completely or was edited.", Path.Combine(folder, file));
            }
        }

        return Assemble(manifest, space, json, encoder, StyleGan2Model.Load(Path.Combine(folder, "generator.safetensors")), projector =>
        {
            using var projectorFile = SafeTensorsFile.Open(Path.Combine(folder, "projector.safetensors"));
            ModuleStateLoader.Load(projector, projectorFile.Content.Tensors, projectorFile.Path);
        });
    }

    /// <summary>
    /// Loads a bundle whose three files are held in memory (embedded resources of a model package, a download):
    /// <paramref name="readFile"/> returns the bytes of <c>model.json</c>, <c>projector.safetensors</c> and
    /// <c>generator.safetensors</c>, or null for a file it does not have. Validated as a bundle folder is.
    /// </summary>
    /// <param name="readFile">The bytes of a bundle file by name, or null.</param>
    /// <param name="bundleName">What the bundle is, for error messages (e.g. the package and resource prefix).</param>
    /// <param name="encoder">The text encoder (the pipeline takes ownership; if loading fails it stays the caller's).</param>
    /// <param name="encoderName">The encoder's name; null skips the check.</param>
    /// <exception cref="FileNotFoundException">A bundle file is missing.</exception>
    /// <exception cref="CheckpointFormatException">The files are not a valid bundle of this format, or name another encoder.</exception>
    public static TextToFacePipeline Load(Func<string, byte[]?> readFile, string bundleName, ITextEncoder encoder, string? encoderName)
    {
        ArgumentNullException.ThrowIfNull(readFile);
        ArgumentException.ThrowIfNullOrEmpty(bundleName);
        ArgumentNullException.ThrowIfNull(encoder);
        byte[] Required(string file) => readFile(file) ?? throw new FileNotFoundException($"The bundle {bundleName} lacks {file}.", file);

        string json = $"{bundleName}/model.json";
        var (manifest, space) = ReadManifest(System.Text.Encoding.UTF8.GetString(Required("model.json")), json, encoderName);
        byte[] projectorBytes = Required("projector.safetensors");
        var generator = StyleGan2Model.Load(Required("generator.safetensors"), $"{bundleName}/generator.safetensors");
        return Assemble(manifest, space, json, encoder, generator, projector =>
        {
            string name = $"{bundleName}/projector.safetensors";
            ModuleStateLoader.Load(projector, SafeTensorsFile.Parse(projectorBytes, name).Tensors, name);
        });
    }

    private static (BundleManifest Manifest, LatentSpace Space) ReadManifest(string text, string json, string? encoderName)
    {
        BundleManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BundleManifest>(text) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{json} is not valid bundle JSON ({e.Message}); re-save the bundle.", e);
        }

        if (manifest.Format != Format)
        {
            throw new CheckpointFormatException($"{json} has format '{manifest.Format}'; this version reads '{Format}'.");
        }

        var space = ValidateManifest(manifest, json);
        if (encoderName is not null && !string.Equals(manifest.TextEncoder, encoderName, StringComparison.Ordinal))
        {
            throw new CheckpointFormatException($"{json}: the bundle's projector was trained on '{manifest.TextEncoder}' embeddings, not '{encoderName}'; load it with that encoder.");
        }

        return (manifest, space);
    }

    // Checks the generator against the manifest and loads the projector; on failure disposes both, never the encoder.
    private static TextToFacePipeline Assemble(BundleManifest manifest, LatentSpace space, string json, ITextEncoder encoder, StyleGan2Model generator, Action<MlpLatentProjector> loadProjector)
    {
        MlpLatentProjector? projector = null;
        try
        {
            if (generator.Resolution != manifest.Resolution)
            {
                throw new CheckpointFormatException($"{json} says {manifest.Resolution}x{manifest.Resolution} but generator.safetensors is {generator.Resolution}x{generator.Resolution}; the bundle's files do not belong together: re-save it.");
            }

            var config = new LatentProjectorConfig(manifest.EmbeddingSize, manifest.StyleSize, manifest.LatentCount, space, manifest.HiddenSize, manifest.Depth, manifest.NoiseSize, manifest.LayerNorm, manifest.Dropout);
            projector = new MlpLatentProjector(config);
            loadProjector(projector);
            return new TextToFacePipeline(encoder, projector, generator, manifest.TextEncoder, ownsEncoder: true);
        }
        catch
        {
            projector?.Dispose();
            generator.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the bundle folder atomically: into a temporary folder, then renamed over <paramref name="folder"/>. Two
    /// processes saving to the same folder at once leave one of the two bundles, whole, never a mix.
    /// </summary>
    /// <param name="folder">Target folder.</param>
    /// <exception cref="NotSupportedException">The projector or generator is not the built-in <see cref="MlpLatentProjector"/> / <see cref="StyleGan2Model"/> (a bundle stores those).</exception>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (Projector is not MlpLatentProjector projector || Generator is not StyleGan2Model generator)
        {
            throw new NotSupportedException($"A bundle stores an MlpLatentProjector and a StyleGan2Model; this pipeline has a {Projector.GetType().Name} and a {Generator.GetType().Name}: save those with their own format.");
        }

        string full = Path.GetFullPath(folder);
        string parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{folder}' has no parent folder.", nameof(folder));
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(temp);
            generator.SaveSafeTensors(Path.Combine(temp, "generator.safetensors"));
            SafeTensorsFile.Write(Path.Combine(temp, "projector.safetensors"), projector.state_dict().Select(p => new KeyValuePair<string, TensorData>(p.Key, p.Value.ToTensorData())));
            var c = projector.Config;
            var manifest = new BundleManifest(Format, EncoderName, c.EmbeddingSize, c.StyleSize, c.LatentCount, c.Space.ToString(), c.HiddenSize, c.Depth, c.NoiseSize, c.LayerNorm, c.Dropout, Generator.Resolution);
            IO.AtomicFile.WriteText(Path.Combine(temp, "model.json"), w => w.Write(JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true })));
            SwapIn(temp, full);
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, true);
            }

            throw;
        }
    }

    // Replaces `full` by the finished folder `temp` with two renames (the old folder aside, the new one in). Another
    // writer may land its bundle between them; then the swap is retried, so the last complete bundle wins and a bundle
    // folder is only ever one writer's.
    private static void SwapIn(string temp, string full)
    {
        const int attempts = 20;
        for (int attempt = 1; ; attempt++)
        {
            string? old = null;
            try
            {
                if (Directory.Exists(full))
                {
                    string aside = $"{full}.{Guid.NewGuid():N}.old";
                    Directory.Move(full, aside);
                    old = aside;
                }

                Directory.Move(temp, full);
            }
            catch (IOException) when (attempt < attempts)
            {
                Restore(old, full);
                Thread.Sleep(attempt);
                continue;
            }
            catch
            {
                Restore(old, full);
                throw;
            }

            if (old is not null)
            {
                Directory.Delete(old, true);
            }

            return;
        }
    }

    // Puts the folder we moved aside back when nothing took its place, else drops it.
    private static void Restore(string? old, string full)
    {
        if (old is null)
        {
            return;
        }

        if (Directory.Exists(full))
        {
            Directory.Delete(old, true);
        }
        else
        {
            Directory.Move(old, full);
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

        Validate(descriptions, options);

        int per = options.FacesPerDescription;
        var texts = descriptions.SelectMany(d => Enumerable.Repeat(d, per)).ToList();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var latents = ProjectWPlus(texts, options, per);
        return Render(latents, texts, per, options);
    }

    /// <summary>
    /// Generate for several independent requests at once, synthesised in batches of exactly
    /// <paramref name="synthesisBatch"/> faces (the last one padded), so each request's faces are the same bytes
    /// whatever other requests share its batch and wherever its faces land in it: libtorch's kernels give bit-identical
    /// rows for one batch shape but not across batch sizes (a batch of 1 and a batch of 8 differ in the last float bits),
    /// so the shape is fixed. Projection (text encoder, projector, variation, truncation) runs per request exactly as
    /// <see cref="Generate(string, GenerationOptions?)"/> does; the noise of request r is what it would draw alone.
    /// </summary>
    /// <param name="requests">Description and options of each request.</param>
    /// <param name="synthesisBatch">Faces per synthesis call (fixed for a service's lifetime).</param>
    /// <returns>The faces of each request, in request order.</returns>
    /// <exception cref="NotSupportedException">The generator is not the built-in <see cref="StyleGan2Model"/> (explicit per-request noise needs its layers).</exception>
    internal IReadOnlyList<IReadOnlyList<GeneratedFace>> GenerateBatched(IReadOnlyList<(string Description, GenerationOptions Options)> requests, int synthesisBatch)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(synthesisBatch, 1);
        var model = Generator as StyleGan2Model ?? throw new NotSupportedException(BatchingNeedsStyleGan2(Generator));
        foreach (var (description, options) in requests)
        {
            Validate(new[] { description }, options);
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var latents = new List<Tensor>(requests.Count);
        var noise = new List<Tensor>[model.Generator.Config.NumLayers];
        for (int layer = 0; layer < noise.Length; layer++)
        {
            noise[layer] = new List<Tensor>(requests.Count + 1);
        }

        foreach (var (description, options) in requests)
        {
            int per = options.FacesPerDescription;
            var w = ProjectWPlus(Enumerable.Repeat(description, per).ToList(), options, per);
            if (options.Truncation < 1f)
            {
                // The same expression StyleGan2Generator.Generate applies, so truncation is per request.
                var mean = model.MeanLatent();
                w = mean + (options.Truncation * (w - mean));
            }

            latents.Add(w);
            using var gen = new torch.Generator((ulong)options.Seed);
            var drawn = model.Generator.RandomNoise(per, gen);
            for (int layer = 0; layer < noise.Length; layer++)
            {
                noise[layer].Add(drawn[layer]);
            }
        }

        int total = requests.Sum(r => r.Options.FacesPerDescription);
        int padded = (total + synthesisBatch - 1) / synthesisBatch * synthesisBatch;
        if (padded > total)
        {
            latents.Add(torch.zeros(new long[] { padded - total, Generator.LatentCount, Generator.StyleSize }));
            for (int layer = 0; layer < noise.Length; layer++)
            {
                long r = noise[layer][0].shape[2];
                noise[layer].Add(torch.zeros(new long[] { padded - total, 1, r, r }));
            }
        }

        var all = torch.cat(latents, 0);
        var allNoise = noise.Select(parts => torch.cat(parts, 0)).ToArray();
        var images = new List<Tensor>(padded / synthesisBatch);
        for (int start = 0; start < padded; start += synthesisBatch)
        {
            var chunkNoise = allNoise.Select(n => n.narrow(0, start, synthesisBatch)).ToList();
            images.Add(Generator.Synthesize(all.narrow(0, start, synthesisBatch), new SynthesisOptions { Noise = NoiseMode.Explicit, NoiseTensors = chunkNoise }));
        }

        var rows = torch.cat(images, 0);
        var results = new List<IReadOnlyList<GeneratedFace>>(requests.Count);
        int row = 0;
        foreach (var (description, options) in requests)
        {
            var faces = new List<GeneratedFace>(options.FacesPerDescription);
            for (int i = 0; i < options.FacesPerDescription; i++, row++)
            {
                faces.Add(new GeneratedFace(description, i, rows[row].clone().DetachFromDisposeScope()));
            }

            results.Add(faces);
        }

        return results;
    }

    /// <summary>Why <paramref name="generator"/> cannot be micro-batched (null when it can).</summary>
    internal static string BatchingNeedsStyleGan2(IStyleGenerator generator)
        => $"Micro-batching renders each request with its own explicit noise maps, which needs the built-in StyleGan2Model generator; this pipeline has a {generator.GetType().Name}. Serve it with MaxBatchFaces = 1.";

    /// <summary>
    /// Text-driven editing: the face of <paramref name="description"/> and the same face changed towards
    /// <paramref name="editedDescription"/> ("... now with eyeglasses"). Both use the same projector noise and the same
    /// synthesis noise, and the edited latent moves by <paramref name="strength"/> times the difference of the two
    /// descriptions' projections, so what both descriptions share stays. Returns, for each of
    /// <see cref="GenerationOptions.FacesPerDescription"/> faces, the original then the edited face.
    /// </summary>
    /// <param name="description">The original description.</param>
    /// <param name="editedDescription">The description with the change.</param>
    /// <param name="options">Seed, faces, truncation.</param>
    /// <param name="strength">How far to move (1: all the way to the edited description's projection; 0: no change).</param>
    public IReadOnlyList<GeneratedFace> Edit(string description, string editedDescription, GenerationOptions? options = null, float strength = 1f)
    {
        options ??= new GenerationOptions();
        Validate(new[] { description, editedDescription }, options);
        if (!float.IsFinite(strength) || Math.Abs(strength) > 4f)
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Edit strength must be a finite number in [-4, 4] (1 moves to the edited description).");
        }

        int per = options.FacesPerDescription;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var sourceTexts = Enumerable.Repeat(description, per).ToList();
        var targetTexts = Enumerable.Repeat(editedDescription, per).ToList();
        var source = ProjectWPlus(sourceTexts, options, per);
        var target = ProjectWPlus(targetTexts, options, per);
        var edited = source + ((target - source) * strength);
        var originals = Render(source, sourceTexts, per, options);
        var changes = Render(edited, targetTexts, per, options);
        return Interleave(originals, changes);
    }

    /// <summary>
    /// Interpolation between two descriptions: <paramref name="frames"/> faces whose latents go linearly from the first
    /// description's projection to the second's (same projector and synthesis noise in every frame).
    /// </summary>
    /// <param name="from">First description (frame 0).</param>
    /// <param name="to">Second description (last frame).</param>
    /// <param name="frames">Number of frames, 2 to 64.</param>
    /// <param name="options">Seed and truncation (FacesPerDescription is ignored: one face per frame).</param>
    public IReadOnlyList<GeneratedFace> Interpolate(string from, string to, int frames, GenerationOptions? options = null)
    {
        options ??= new GenerationOptions();
        Validate(new[] { from, to }, options);
        if (frames is < 2 or > MaxFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"Interpolation needs 2 to {MaxFrames} frames.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var a = ProjectWPlus(new[] { from }, options, 1);
        var b = ProjectWPlus(new[] { to }, options, 1);
        var steps = torch.linspace(0, 1, frames).view(frames, 1, 1);
        var latents = a + ((b - a) * steps);
        var names = Enumerable.Range(0, frames).Select(i => i == 0 ? from : i == frames - 1 ? to : $"{from} -> {to} ({i}/{frames - 1})").ToList();
        return Render(latents, names, frames, options, sameNoiseForAll: true);
    }

    /// <summary>
    /// Style mixing of two descriptions: the coarse layers (pose, face shape, hair style) from
    /// <paramref name="coarse"/>'s projection and the layers from <paramref name="crossover"/> on (colours, fine
    /// detail) from <paramref name="fine"/>'s. Returns FacesPerDescription faces.
    /// </summary>
    /// <param name="coarse">Description for layers [0, crossover).</param>
    /// <param name="fine">Description for layers [crossover, LatentCount).</param>
    /// <param name="crossover">First layer taken from <paramref name="fine"/>, 1 to LatentCount - 1.</param>
    /// <param name="options">Seed, faces, truncation.</param>
    public IReadOnlyList<GeneratedFace> Mix(string coarse, string fine, int crossover, GenerationOptions? options = null)
    {
        options ??= new GenerationOptions();
        Validate(new[] { coarse, fine }, options);
        int layers = Generator.LatentCount;
        if (crossover < 1 || crossover >= layers)
        {
            throw new ArgumentOutOfRangeException(nameof(crossover), crossover, $"The crossover layer must be in [1, {layers - 1}] for this {Resolution}x{Resolution} generator ({layers} latents).");
        }

        int per = options.FacesPerDescription;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var a = ProjectWPlus(Enumerable.Repeat(coarse, per).ToList(), options, per);
        var b = ProjectWPlus(Enumerable.Repeat(fine, per).ToList(), options, per);
        var mixed = torch.cat(new[] { a.narrow(1, 0, crossover), b.narrow(1, crossover, layers - crossover) }, 1);
        return Render(mixed, Enumerable.Repeat($"{coarse} | {fine} (from layer {crossover})", per).ToList(), per, options);
    }

    /// <summary>Most frames <see cref="Interpolate"/> renders in one call.</summary>
    public const int MaxFrames = 64;

    /// <summary>Most faces one call renders (descriptions x FacesPerDescription); split larger jobs into several calls.</summary>
    public const int MaxFacesPerCall = 256;

    // Projects texts to w+ [N, LatentCount, StyleSize]. The projector's noise of face i is drawn from (seed, i mod per),
    // so the k-th face of every description (and of an edit's two descriptions) gets the same noise vector; so does the
    // variation offset, variation x (mapping(z_k) - mean w), which adds what a description does not say (pose, skin
    // tone, hair shape, background: a projector trained by regression to one image per description cannot learn it
    // from its noise input, which it learns to ignore).
    private Tensor ProjectWPlus(IReadOnlyList<string> texts, GenerationOptions options, int per)
    {
        long seed = options.Seed;
        var embeddings = Encoder.Encode(texts).to(ScalarType.Float32).cpu();
        Tensor? noise = null;
        if (Projector.NoiseSize > 0)
        {
            using var gen = new torch.Generator((ulong)(seed & 0x7fffffffffff));
            var draws = torch.randn(new long[] { per, Projector.NoiseSize }, generator: gen);
            noise = draws.repeat(texts.Count / per, 1);
        }

        var latents = Projector.Project(embeddings, noise);
        var w = Projector.Space == LatentSpace.Z ? Generator.Map(latents) : latents;
        w = w.dim() == 3 ? w : w.unsqueeze(1).expand(-1, Generator.LatentCount, -1).contiguous();
        if (options.Variation > 0)
        {
            using var gen = new torch.Generator((ulong)((seed ^ VariationSeedSalt) & 0x7fffffffffff));
            var z = torch.randn(new long[] { per, Generator.StyleSize }, generator: gen);
            var offsets = (Generator.Map(z) - MappedMean()) * options.Variation;
            w = w + offsets.repeat(texts.Count / per, 1).unsqueeze(1);
        }

        return w;
    }

    // Distinguishes the variation draws from the projector-noise draws of the same seed.
    private const long VariationSeedSalt = 0x5DEECE66DL;

    // The mean of the mapping network's output over 4,096 fixed z draws (any IStyleGenerator), computed once.
    private Tensor MappedMean()
    {
        lock (mappedMeanLock)
        {
            if (mappedMean is null)
            {
                using var scope = torch.NewDisposeScope();
                using var gen = new torch.Generator(20_221_231);
                var z = torch.randn(new long[] { 4096, Generator.StyleSize }, generator: gen);
                mappedMean = Generator.Map(z).mean(new long[] { 0 }, keepdim: true).DetachFromDisposeScope();
            }

            return mappedMean;
        }
    }

    // Renders w+ latents in chunks of `per` faces with the same synthesis seed, so face k of every chunk gets the same
    // noise maps (sameNoiseForAll: every face gets chunk position 0's noise, one face per chunk).
    private List<GeneratedFace> Render(Tensor latents, IReadOnlyList<string> texts, int per, GenerationOptions options, bool sameNoiseForAll = false)
    {
        int chunk = sameNoiseForAll ? 1 : per;
        var faces = new List<GeneratedFace>(texts.Count);
        for (int start = 0; start < texts.Count; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            var images = Generator.Synthesize(latents.narrow(0, start, chunk), new SynthesisOptions { Truncation = options.Truncation, Seed = options.Seed });
            for (int i = 0; i < chunk; i++)
            {
                faces.Add(new GeneratedFace(texts[start + i], sameNoiseForAll ? start : i, images[i].clone().DetachFromDisposeScope()));
            }
        }

        return faces;
    }

    private static List<GeneratedFace> Interleave(IReadOnlyList<GeneratedFace> a, IReadOnlyList<GeneratedFace> b)
    {
        var result = new List<GeneratedFace>(a.Count + b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            result.Add(a[i]);
            result.Add(b[i]);
        }

        return result;
    }

    internal static void Validate(IReadOnlyList<string> descriptions, GenerationOptions options)
    {
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

        if (!float.IsFinite(options.Variation) || options.Variation < 0 || options.Variation > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Variation, "Variation must be in [0, 2] (0: only what the description says; 1: as much as the generator's own faces vary).");
        }

        if (options.FacesPerDescription < 1 || (long)options.FacesPerDescription * descriptions.Count > MaxFacesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FacesPerDescription, $"FacesPerDescription must be at least 1 and at most {MaxFacesPerCall} faces per call in all; split larger jobs into several calls.");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        mappedMean?.Dispose();
        Projector.Dispose();
        Generator.Dispose();
        if (ownsEncoder)
        {
            Encoder.Dispose();
        }
    }

    // Every field present and in range before anything is allocated from it (a HiddenSize of 2e9 would crash natively).
    private static LatentSpace ValidateManifest(BundleManifest m, string json)
    {
        static void Range(string json, string field, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
            {
                throw new CheckpointFormatException($"{json}: {field} is {value.ToString(CultureInfo.InvariantCulture)}, outside [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]; the bundle is corrupt or was edited: re-save it.");
            }
        }

        if (string.IsNullOrWhiteSpace(m.TextEncoder) || string.IsNullOrWhiteSpace(m.Space))
        {
            throw new CheckpointFormatException($"{json} lacks {(string.IsNullOrWhiteSpace(m.TextEncoder) ? "TextEncoder" : "Space")}; every bundle field is required: re-save the bundle.");
        }

        if (!Enum.TryParse<LatentSpace>(m.Space, ignoreCase: false, out var space) || !Enum.IsDefined(space))
        {
            throw new CheckpointFormatException($"{json}: Space '{m.Space}' is not one of {string.Join(", ", Enum.GetNames<LatentSpace>())}.");
        }

        Range(json, "EmbeddingSize", m.EmbeddingSize, 1, 65_536);
        Range(json, "StyleSize", m.StyleSize, 1, 4_096);
        Range(json, "LatentCount", m.LatentCount, 1, 64);
        Range(json, "HiddenSize", m.HiddenSize, 1, 65_536);
        Range(json, "Depth", m.Depth, 1, 64);
        Range(json, "NoiseSize", m.NoiseSize, 0, 4_096);
        Range(json, "Dropout", m.Dropout, 0, 0.99);
        Range(json, "Resolution", m.Resolution, 4, 4_096);
        return space;
    }

    private sealed record BundleManifest(string Format, string TextEncoder, int EmbeddingSize, int StyleSize, int LatentCount, string Space, int HiddenSize, int Depth, int NoiseSize, bool LayerNorm, double Dropout, int Resolution);
}
