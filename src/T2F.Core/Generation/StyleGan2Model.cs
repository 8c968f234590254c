using T2F.Core.Checkpoints;
using T2F.Core.Ops.Convolution;
using T2F.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Generation;

/// <summary>
/// A StyleGAN2 generator ready for inference: loads the reference's checkpoints (architecture read from the
/// weights), renders from z, w or w+ with truncation, style mixing and seeded noise, and saves safetensors.
/// Rendering (Map, Synthesize, MeanLatent) may run on several threads at once; Save and Dispose only when no call runs.
/// </summary>
public sealed class StyleGan2Model : IStyleGenerator
{
    private const int DefaultMeanLatentSamples = 4096;

    private readonly object meanLatentGate = new();
    private Tensor? meanLatent;
    private bool disposed;

    private StyleGan2Model(StyleGan2Generator generator, Tensor? meanLatent)
    {
        Generator = generator;
        this.meanLatent = meanLatent;
        Generator.eval();

        // Frozen: rendering never needs the weights' gradients, and a projector trained through Synthesize would
        // otherwise compute (and hold) a gradient for every generator weight at each step.
        ModuleGradients.Set(Generator, false);
    }

    /// <summary>
    /// The underlying TorchSharp module (for inspection or moving to a device). Its parameters are frozen
    /// (<c>requires_grad</c> false); <c>StyleGan2Trainer</c> trains a generator of its own.
    /// </summary>
    public StyleGan2Generator Generator { get; }

    /// <inheritdoc />
    public int Resolution => Generator.Config.Size;

    /// <inheritdoc />
    public int StyleSize => Generator.Config.StyleDim;

    /// <inheritdoc />
    public int LatentCount => Generator.Config.LatentCount;

    /// <summary>True when the mean w came from the checkpoint (<c>latent_avg</c>) or was computed already.</summary>
    public bool HasMeanLatent => meanLatent is not null;

    /// <summary>
    /// Loads a generator from a rosinality checkpoint (train.py: <c>g_ema</c>; convert_weight.py: <c>g_ema</c> +
    /// <c>latent_avg</c>), a flat generator state dict, or a safetensors file.
    /// </summary>
    /// <param name="path">Checkpoint file.</param>
    /// <param name="mappingLrMul">Override of lr_mlp (not stored in weights; default args.lr_mlp or 0.01).</param>
    public static StyleGan2Model Load(string path, float? mappingLrMul = null)
    {
        ConvolutionRouting.Prefetch();
        var weights = StyleGan2Weights.Open(path, out var openFile);
        using var file = openFile;
        return FromWeights(weights, path, mappingLrMul);
    }

    /// <summary>
    /// Loads a generator from safetensors bytes in memory (an embedded resource): a flat generator state dict or
    /// <c>g_ema.</c>-prefixed keys, as <see cref="Load(string, float?)"/> reads them from a file.
    /// </summary>
    /// <param name="safetensors">The whole safetensors file.</param>
    /// <param name="name">What the bytes are, for error messages.</param>
    /// <param name="mappingLrMul">Override of lr_mlp (default args.lr_mlp or 0.01).</param>
    public static StyleGan2Model Load(ReadOnlySpan<byte> safetensors, string name, float? mappingLrMul = null)
    {
        ConvolutionRouting.Prefetch();
        return FromWeights(StyleGan2Weights.FromSafeTensors(name, SafeTensorsFile.Parse(safetensors, name)), name, mappingLrMul);
    }

    private static StyleGan2Model FromWeights(StyleGan2Weights weights, string path, float? mappingLrMul)
    {
        var config = weights.InferGeneratorConfig(mappingLrMul);
        StyleGan2Generator generator;
        using (ParameterInit.SkipForLoading())
        {
            generator = new StyleGan2Generator(config);
        }

        try
        {
            using var scope = torch.NewDisposeScope();
            ModuleStateLoader.Load(generator, weights.Generator!, $"{path} ({weights.GeneratorKey})");
            RejectNonFinite(generator, path);
            Tensor? mean = null;
            if (weights.LatentAvg is { } avg)
            {
                mean = avg.ToTensor().to(ScalarType.Float32).reshape(1, -1);
                if (mean.shape[1] != config.StyleDim)
                {
                    throw new CheckpointFormatException($"{path}: latent_avg has {mean.shape[1]} values, the generator's style size is {config.StyleDim}.");
                }

                // The model owns it: no caller's dispose scope may free it.
                mean = mean.DetachFromDisposeScope();
            }

            return new StyleGan2Model(generator, mean);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    // A NaN or infinite weight renders a grey or black image without any error: refuse the file instead.
    private static void RejectNonFinite(StyleGan2Generator generator, string path)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var (name, tensor) in generator.state_dict())
        {
            if (tensor.is_floating_point() && !torch.isfinite(tensor).all().item<bool>())
            {
                throw new CheckpointFormatException($"{path}: {name} holds NaN or infinite values; the checkpoint is corrupt or came from a diverged run: use an earlier checkpoint.");
            }
        }
    }

    /// <summary>A randomly initialised generator (reference initialisation), e.g. for training or benchmarks.</summary>
    /// <param name="config">Architecture.</param>
    /// <param name="seed">Seed of the initialisation.</param>
    public static StyleGan2Model Create(GeneratorConfig config, long seed = 0)
    {
        // Seeded initialisation without rewinding the caller's global random stream.
        using var random = SeededGlobalRandom.Seed(seed);
        return new StyleGan2Model(new StyleGan2Generator(config), null);
    }

    /// <summary>Draws z ~ N(0, 1) [count, StyleSize] from a seed.</summary>
    /// <param name="count">Number of rows.</param>
    /// <param name="seed">Seed.</param>
    public Tensor SampleZ(int count, long seed)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Sample at least one latent.");
        }

        using var gen = new torch.Generator((ulong)seed);
        return torch.randn(new long[] { count, StyleSize }, generator: gen);
    }

    /// <inheritdoc />
    public Tensor Map(Tensor z)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(z);
        using var scope = torch.NewDisposeScope();
        using var noGrad = z.requires_grad ? null : torch.no_grad();
        CheckFinite(z, nameof(z));
        return Generator.Map(z).MoveToOuterDisposeScope();
    }

    /// <summary>The mean w ([1, StyleSize]): <c>latent_avg</c> from the checkpoint, else the mean of <paramref name="samples"/> mapped z (computed once).</summary>
    /// <param name="samples">Number of z draws (4096 as in generate.py).</param>
    /// <param name="seed">Seed of the draws.</param>
    public Tensor MeanLatent(int samples = DefaultMeanLatentSamples, long seed = 0)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        lock (meanLatentGate)
        {
            // Computed once even when several threads render with truncation at the same time.
            if (meanLatent is null)
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                meanLatent = Generator.MeanLatent(SampleZ(samples, seed)).DetachFromDisposeScope();
            }

            return meanLatent.alias();
        }
    }

    /// <inheritdoc />
    public Tensor Synthesize(Tensor latents, SynthesisOptions? options = null)
    {
        using var output = SynthesizeWithLatents(latents, options);
        return output.Image.alias();
    }

    /// <summary>Like <see cref="Synthesize"/>, also returning the per-layer latent [B, LatentCount, StyleSize] it used.</summary>
    /// <param name="latents">w or w+.</param>
    /// <param name="options">Options.</param>
    public GeneratorOutput SynthesizeWithLatents(Tensor latents, SynthesisOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(latents);
        options ??= new SynthesisOptions();
        if (options.Truncation <= 0f || options.Truncation > 1f || float.IsNaN(options.Truncation))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Truncation, "Truncation psi must be in (0, 1]; 1 turns truncation off.");
        }

        CheckFinite(latents, nameof(latents));
        using var scope = torch.NewDisposeScope();

        // Latents that require gradients (a projector in training, latent optimisation) get a graph back to them.
        using var noGrad = latents.requires_grad || options.MixLatents?.requires_grad == true ? null : torch.no_grad();
        var truncationLatent = options.Truncation < 1f ? options.TruncationLatent ?? MeanLatent() : null;
        var styles = options.MixLatents is null ? new[] { latents } : new[] { latents, options.MixLatents };
        var output = Generator.Generate(styles, new GeneratorForwardOptions
        {
            InputIsLatent = true,
            Truncation = options.Truncation,
            TruncationLatent = truncationLatent,
            InjectIndex = options.InjectIndex,
            Noise = options.Noise,
            NoiseTensors = options.NoiseTensors,
            Seed = options.Seed,
        });
        return new GeneratorOutput(output.Image.MoveToOuterDisposeScope(), output.Latent.MoveToOuterDisposeScope());
    }

    /// <summary>z -> w -> image in one call: <paramref name="count"/> faces from <paramref name="seed"/> (z and noise both seeded).</summary>
    /// <param name="count">Number of images.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="truncation">Truncation psi.</param>
    public Tensor Generate(int count, long seed, float truncation = 1f)
    {
        using var scope = torch.NewDisposeScope();
        var w = Map(SampleZ(count, seed));
        return Synthesize(w, new SynthesisOptions { Truncation = truncation, Seed = seed }).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the generator (as <c>g_ema.*</c>) and the mean w (as <c>latent_avg</c>) to a safetensors file, atomically.</summary>
    /// <param name="path">Target .safetensors file.</param>
    public void SaveSafeTensors(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var tensors = new List<KeyValuePair<string, TensorData>>();
        foreach (var (key, tensor) in Generator.state_dict())
        {
            tensors.Add(new("g_ema." + key, tensor.ToTensorData()));
        }

        if (meanLatent is not null)
        {
            using var flat = meanLatent.reshape(-1);
            tensors.Add(new("latent_avg", flat.ToTensorData()));
        }

        var metadata = new Dictionary<string, string>
        {
            ["format"] = "t2f-stylegan2/1",
            ["lr_mlp"] = Generator.Config.MappingLrMul.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        };
        SafeTensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Writes a PyTorch checkpoint in convert_weight.py's layout (<c>{"g_ema": state_dict, "latent_avg": [style_dim]}</c>),
    /// atomically, so the reference's generate.py and projector.py load it with <c>torch.load</c>.
    /// </summary>
    /// <param name="path">Target .pt file.</param>
    public void SavePyTorch(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var stateDict = new PickleDict(isOrderedDict: true);
        foreach (var (key, tensor) in Generator.state_dict())
        {
            stateDict.Add(key, tensor.ToTensorData());
        }

        var root = new PickleDict { { "g_ema", stateDict } };
        if (meanLatent is not null)
        {
            using var flat = meanLatent.reshape(-1);
            root.Add("latent_avg", flat.ToTensorData());
        }

        PyTorchCheckpointWriter.Save(path, root);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        meanLatent?.Dispose();
        Generator.Dispose();
    }

    private static void CheckFinite(Tensor t, string name)
    {
        using var scope = torch.NewDisposeScope();
        if (!t.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"{name} contains NaN or infinity; latents must be finite (check the upstream computation).", name);
        }
    }
}
