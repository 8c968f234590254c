using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Ops;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>
/// StyleGAN2 generator, module for module the reference's <c>Generator</c> (rosinality <c>model.py</c>): mapping network
/// <c>style</c>, <c>input</c>, <c>conv1</c>, <c>to_rgb1</c>, <c>convs</c>, <c>to_rgbs</c>, <c>noises</c>.
/// State-dict keys are the reference's, so loading a checkpoint is a name match.
/// </summary>
public sealed class StyleGan2Generator : Module
{
    private readonly Sequential style;
    private readonly ConstantInput input;
    private readonly StyledConv conv1;
    private readonly ToRGB to_rgb1;
    private readonly ModuleList<StyledConv> convs;
    private readonly ModuleList<ToRGB> to_rgbs;
    private readonly NoiseBuffers noises;

    /// <summary>Builds a generator with the reference's random initialisation.</summary>
    /// <param name="config">Architecture.</param>
    public StyleGan2Generator(GeneratorConfig config)
        : base(nameof(StyleGan2Generator))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var taps = config.BlurTaps;
        var ch = config.Channels;

        var mapping = new List<(string, Module<Tensor, Tensor>)> { ("0", new PixelNorm()) };
        for (int i = 1; i <= config.MappingLayers; i++)
        {
            mapping.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), new EqualLinear(config.StyleDim, config.StyleDim, lrMul: config.MappingLrMul, activation: true)));
        }

        style = Sequential(mapping);
        input = new ConstantInput(ch[4]);
        conv1 = new StyledConv(ch[4], ch[4], 3, config.StyleDim, blurTaps: taps);
        to_rgb1 = new ToRGB(ch[4], config.StyleDim, upsampleSkip: false, blurTaps: taps);
        convs = new ModuleList<StyledConv>();
        to_rgbs = new ModuleList<ToRGB>();
        int inCh = ch[4];
        for (int r = 8; r <= config.Size; r *= 2)
        {
            int outCh = ch[r];
            convs.Add(new StyledConv(inCh, outCh, 3, config.StyleDim, upsample: true, blurTaps: taps));
            convs.Add(new StyledConv(outCh, outCh, 3, config.StyleDim, blurTaps: taps));
            to_rgbs.Add(new ToRGB(outCh, config.StyleDim, blurTaps: taps));
            inCh = outCh;
        }

        noises = new NoiseBuffers(config.NumLayers);

        register_module("style", style);
        register_module("input", input);
        register_module("conv1", conv1);
        register_module("to_rgb1", to_rgb1);
        register_module("convs", convs);
        register_module("to_rgbs", to_rgbs);
        register_module("noises", noises);
        ModuleLifetime.DetachFromDisposeScopes(this);
    }

    /// <summary>The architecture.</summary>
    public GeneratorConfig Config { get; }

    /// <summary>Every modulated convolution, in forward order (for switching strategies).</summary>
    public IEnumerable<ModulatedConv2d> ModulatedConvs
    {
        get
        {
            yield return conv1.Conv;
            yield return to_rgb1.Conv;
            for (int j = 0; j < to_rgbs.Count; j++)
            {
                yield return convs[2 * j].Conv;
                yield return convs[(2 * j) + 1].Conv;
                yield return to_rgbs[j].Conv;
            }
        }
    }

    /// <summary>Sets the execution strategy of every modulated convolution.</summary>
    /// <param name="strategy">The strategy.</param>
    public void SetModulatedConvStrategy(ModulatedConvStrategy strategy)
    {
        foreach (var conv in ModulatedConvs)
        {
            conv.Strategy = strategy;
        }
    }

    /// <summary>Mapping network (<c>get_latent</c>): z [B, style_dim] -> w [B, style_dim].</summary>
    /// <param name="z">Latent codes.</param>
    public Tensor Map(Tensor z)
    {
        TensorShapes.Expect(z, 2, "StyleGan2Generator.Map z", $"[B, {Config.StyleDim}]");
        TensorShapes.ExpectDim(z, 1, Config.StyleDim, "StyleGan2Generator.Map z", $"[B, {Config.StyleDim}]");
        return style.forward(z);
    }

    /// <summary><c>mean_latent</c>: mean of the mapped rows of <paramref name="z"/>, [1, style_dim].</summary>
    /// <param name="z">[n, style_dim] draws of N(0, 1).</param>
    public Tensor MeanLatent(Tensor z)
    {
        using var w = Map(z);
        return w.mean(new long[] { 0 }, keepdim: true);
    }

    /// <summary>
    /// The reference forward: styles (z, w or w+, one or two for mixing) -> image and the per-layer latent.
    /// </summary>
    /// <param name="styles">One style, or two for style mixing.</param>
    /// <param name="options">Truncation, mixing, noise.</param>
    internal GeneratorOutput Generate(IReadOnlyList<Tensor> styles, GeneratorForwardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(styles);
        options ??= new GeneratorForwardOptions();
        if (styles.Count is < 1 or > 2)
        {
            throw new ArgumentException($"Generate takes one style (or two for style mixing); got {styles.Count}.", nameof(styles));
        }

        var ws = styles.Select(s => options.InputIsLatent ? CheckLatent(s) : Map(s)).ToList();
        if (options.Truncation < 1f)
        {
            var mean = options.TruncationLatent ?? throw new ArgumentException("Truncation below 1 needs TruncationLatent (the mean w); compute it with MeanLatent.", nameof(options));
            ws = ws.Select(w => mean + (options.Truncation * (w - mean))).ToList();
        }

        int n = Config.LatentCount;
        Tensor latent;
        if (ws.Count == 1)
        {
            // A w+ input is used as it is; an alias keeps the caller's handle alive when the output is disposed.
            latent = ws[0].dim() == 3 ? ws[0].alias() : ws[0].unsqueeze(1).repeat(1, n, 1);
        }
        else
        {
            int inject = options.InjectIndex ?? new Random(unchecked((int)(options.Seed ?? Random.Shared.NextInt64()))).Next(1, n);
            if (inject < 1 || inject >= n)
            {
                throw new ArgumentException($"InjectIndex must be in [1, {n - 1}] for {n} latents; got {inject}.", nameof(options));
            }

            var first = ws[0].dim() == 3 ? ws[0].narrow(1, 0, inject) : ws[0].unsqueeze(1).repeat(1, inject, 1);
            var second = ws[1].dim() == 3 ? ws[1].narrow(1, inject, n - inject) : ws[1].unsqueeze(1).repeat(1, n - inject, 1);
            latent = torch.cat(new[] { first, second }, 1);
        }

        var noise = ResolveNoise(options, latent.shape[0], latent.device);
        return new GeneratorOutput(Synthesize(latent, noise), latent);
    }

    /// <summary>Synthesis network: per-layer latent [B, n_latent, style_dim] + one noise per layer -> image [B, 3, Size, Size].</summary>
    /// <param name="latent">Per-layer styles.</param>
    /// <param name="noise">num_layers tensors [B or 1, 1, R, R].</param>
    public Tensor Synthesize(Tensor latent, IReadOnlyList<Tensor> noise)
    {
        CheckLatent(latent);
        if (latent.dim() != 3 || latent.shape[1] != Config.LatentCount)
        {
            throw new ArgumentException($"Synthesize needs a per-layer latent [B, {Config.LatentCount}, {Config.StyleDim}]; got {TensorShapes.Format(latent)}.", nameof(latent));
        }

        ArgumentNullException.ThrowIfNull(noise);
        if (noise.Count != Config.NumLayers)
        {
            throw new ArgumentException($"Synthesize needs {Config.NumLayers} noise tensors; got {noise.Count}.", nameof(noise));
        }

        // Latent index -> layer: 0 conv1, 1 to_rgb1, then per block (conv_up, conv, to_rgb) = (2j+1, 2j+2, 2j+3).
        // Each layer runs in its own dispose scope and the activation it replaces is freed at once, so without
        // gradients the peak memory is one layer's, not the whole network's (at 256x256 the first image otherwise
        // touched 630 MB of fresh memory, ~1 s of page faults on a VM). With gradients autograd keeps what it saved.
        var x = Layer(() => conv1.forward(input.forward(latent.shape[0]), latent.select(1, 0), noise[0]), null);
        var skip = Layer(() => to_rgb1.forward(x, latent.select(1, 1), null), null);
        for (int j = 0; j < to_rgbs.Count; j++)
        {
            int i = 1 + (2 * j);
            x = Layer(() => convs[2 * j].forward(x, latent.select(1, i), noise[1 + (2 * j)]), x);
            x = Layer(() => convs[(2 * j) + 1].forward(x, latent.select(1, i + 1), noise[2 + (2 * j)]), x);
            skip = Layer(() => to_rgbs[j].forward(x, latent.select(1, i + 2), skip), skip);
        }

        x.Dispose();
        return skip;
    }

    // Runs one layer in its own dispose scope, keeps its output and frees the activation it replaces (never a
    // caller's tensor: only outputs of earlier layers are passed as replaced).
    private static Tensor Layer(Func<Tensor> layer, Tensor? replaced)
    {
        Tensor output;
        using (var scope = torch.NewDisposeScope())
        {
            output = layer().MoveToOuterDisposeScope();
        }

        replaced?.Dispose();
        return output;
    }

    /// <summary>Draws random noise for every layer from <paramref name="generator"/>.</summary>
    /// <param name="batch">Batch size.</param>
    /// <param name="generator">Seeded random source.</param>
    /// <param name="device">Device of the tensors.</param>
    public IReadOnlyList<Tensor> RandomNoise(long batch, torch.Generator generator, Device? device = null)
    {
        var list = new List<Tensor>(Config.NumLayers);
        for (int i = 0; i < Config.NumLayers; i++)
        {
            long r = NoiseBuffers.ResolutionOf(i);
            list.Add(torch.randn(new[] { batch, 1, r, r }, generator: generator).to(device ?? CPU));
        }

        return list;
    }

    /// <summary>The stored noise buffers, one per layer.</summary>
    public IReadOnlyList<Tensor> ConstantNoise() => Enumerable.Range(0, noises.Count).Select(i => noises[i]).ToList();

    private IReadOnlyList<Tensor> ResolveNoise(GeneratorForwardOptions options, long batch, Device device)
    {
        switch (options.Noise)
        {
            case NoiseMode.Constant:
                return ConstantNoise();
            case NoiseMode.Explicit:
                var given = options.NoiseTensors ?? throw new ArgumentException("NoiseMode.Explicit needs NoiseTensors (one per layer).", nameof(options));
                for (int i = 0; i < given.Count && i < Config.NumLayers; i++)
                {
                    long r = NoiseBuffers.ResolutionOf(i);
                    if (given[i].dim() != 4 || given[i].shape[1] != 1 || given[i].shape[2] != r || given[i].shape[3] != r)
                    {
                        throw new ArgumentException($"Noise tensor {i} must be [B or 1, 1, {r}, {r}]; got {TensorShapes.Format(given[i])}.", nameof(options));
                    }
                }

                return given;
            default:
                using (var gen = new torch.Generator((ulong)(options.Seed ?? Random.Shared.NextInt64())))
                {
                    return RandomNoise(batch, gen, device);
                }
        }
    }

    private Tensor CheckLatent(Tensor w)
    {
        if ((w.dim() != 2 && w.dim() != 3) || w.shape[^1] != Config.StyleDim)
        {
            throw new ArgumentException($"A latent must be w [B, {Config.StyleDim}] or w+ [B, {Config.LatentCount}, {Config.StyleDim}]; got {TensorShapes.Format(w)}.");
        }

        if (w.dim() == 3 && w.shape[1] != Config.LatentCount)
        {
            throw new ArgumentException($"A w+ latent must have {Config.LatentCount} layers for a {Config.Size}x{Config.Size} generator; got {TensorShapes.Format(w)}.");
        }

        return w;
    }
}
