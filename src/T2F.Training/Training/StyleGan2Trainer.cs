using System.Globalization;
using System.Text.Json;
using T2F.Core.Checkpoints;
using T2F.Core.Generation;
using T2F.Core.IO;
using T2F.Core.Imaging;
using T2F.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// StyleGAN2 GAN training, the rosinality/NVlabs recipe: non-saturating logistic loss, lazy R1, lazy path length
/// regularisation, style mixing, generator EMA, Adam with the lazy-regularisation lr/beta correction, x-flips.
/// Everything random is derived from (seed, step), and the run folder's checkpoint holds weights, EMA, optimiser
/// moments and the path-length mean, so a resumed run is bit-identical to a straight one. Resume is automatic when
/// the run folder has a checkpoint.
/// </summary>
public sealed class StyleGan2Trainer : IDisposable, ITrainingRun
{
    /// <summary>Checkpoint file name inside the run folder.</summary>
    public const string CheckpointFile = "checkpoint.safetensors";

    private const string Format = "t2f-stylegan2-train/1";

    private readonly ITrainingImageSource data;
    private readonly Device device;
    private readonly AdamOptimizer gOptim;
    private readonly AdamOptimizer dOptim;
    private double meanPathLength;

    /// <summary>Creates a trainer; resumes from <paramref name="runFolder"/>'s checkpoint when there is one.</summary>
    /// <param name="generatorConfig">Generator architecture.</param>
    /// <param name="discriminatorConfig">Discriminator architecture.</param>
    /// <param name="data">Real images (resolution must match).</param>
    /// <param name="runFolder">Folder for checkpoints, losses.csv and sample grids.</param>
    /// <param name="options">Training settings.</param>
    public StyleGan2Trainer(GeneratorConfig generatorConfig, DiscriminatorConfig discriminatorConfig, ITrainingImageSource data, string runFolder, StyleGan2TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generatorConfig);
        ArgumentNullException.ThrowIfNull(discriminatorConfig);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        Options = options ?? new StyleGan2TrainingOptions();
        device = TrainingDevice.Parse(Options.Device);
        if (data.Resolution != generatorConfig.Size || discriminatorConfig.Size != generatorConfig.Size)
        {
            throw new ArgumentException($"Resolutions differ: data {data.Resolution}, generator {generatorConfig.Size}, discriminator {discriminatorConfig.Size}.");
        }

        int microBatch = Options.GradientAccumulation >= 1 ? Options.Batch / Options.GradientAccumulation : 0;
        if (Options.GradientAccumulation < 1 || Options.Batch < 1 || Options.Batch % Options.GradientAccumulation != 0)
        {
            throw new ArgumentException($"Batch {Options.Batch} must be a positive multiple of GradientAccumulation {Options.GradientAccumulation} (the batch is split into equal micro-batches).");
        }

        if (microBatch > discriminatorConfig.StddevGroup && microBatch % discriminatorConfig.StddevGroup != 0)
        {
            throw new ArgumentException($"Micro-batch {microBatch} (batch {Options.Batch} / accumulation {Options.GradientAccumulation}) must be at most {discriminatorConfig.StddevGroup} or a multiple of it (minibatch standard deviation groups).");
        }

        this.data = data;
        RunFolder = Path.GetFullPath(runFolder);
        Directory.CreateDirectory(RunFolder);
        using (SeededGlobalRandom.Seed(Options.Seed))
        {
            // Module initialisers draw from torch's global generator: seeded here, the caller's stream given back after.
            Generator = new StyleGan2Generator(generatorConfig);
            Discriminator = new StyleGan2Discriminator(discriminatorConfig);
            GeneratorEma = new StyleGan2Generator(generatorConfig);
        }

        Generator.to(device);
        Discriminator.to(device);
        GeneratorEma.to(device);
        CopyParameters(Generator, GeneratorEma);
        GeneratorEma.eval();

        // Lazy regularisation: lr * k/(k+1), betas ** (k/(k+1)) (StyleGAN2 paper, appendix B).
        double gRatio = Options.GRegEvery / (Options.GRegEvery + 1.0), dRatio = Options.DRegEvery / (Options.DRegEvery + 1.0);
        gOptim = new AdamOptimizer(Generator.named_parameters(), Options.LearningRate * gRatio, Math.Pow(0, gRatio), Math.Pow(0.99, gRatio));
        dOptim = new AdamOptimizer(Discriminator.named_parameters(), Options.LearningRate * dRatio, Math.Pow(0, dRatio), Math.Pow(0.99, dRatio));
        if (File.Exists(CheckpointPath))
        {
            Resume();
        }
    }

    /// <summary>The options the trainer was created with (steps, batch, learning rate, regularisation cadence, seed).</summary>
    public StyleGan2TrainingOptions Options { get; }

    /// <summary>The run folder.</summary>
    public string RunFolder { get; }

    /// <summary>Path of the checkpoint.</summary>
    public string CheckpointPath => Path.Combine(RunFolder, CheckpointFile);

    /// <summary>The trained generator.</summary>
    public StyleGan2Generator Generator { get; }

    /// <summary>The EMA of the generator (what to sample from).</summary>
    public StyleGan2Generator GeneratorEma { get; }

    /// <summary>The discriminator.</summary>
    public StyleGan2Discriminator Discriminator { get; }

    /// <summary>Steps completed (restored on resume).</summary>
    public long Step { get; private set; }

    /// <summary>Trains up to <see cref="StyleGan2TrainingOptions.Steps"/>, checkpointing periodically, at the end and on cancellation.</summary>
    /// <param name="progress">Progress sink.</param>
    /// <param name="cancellationToken">Stops after the current step (a checkpoint is written first).</param>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite.</exception>
    public void Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Generator.train();
        Discriminator.train();
        new TrainingLoop(Options.Steps, Options.Batch, Options.LogEvery, Options.SampleEvery, Options.CheckpointEvery)
            .Run(this, RunFolder, "losses.csv", LossNames, "lower the learning rate or raise R1 gamma", progress, cancellationToken);
    }

    /// <inheritdoc />
    IReadOnlyDictionary<string, double> ITrainingRun.Advance()
    {
        var losses = TrainStep(Step);
        Step++;
        return losses;
    }

    /// <inheritdoc />
    void ITrainingRun.SaveSampleGrid() => SaveSampleGrid();

    /// <summary>Writes the checkpoint atomically (temp file, flush, rename).</summary>
    public void SaveCheckpoint()
    {
        var tensors = new List<KeyValuePair<string, TensorData>>();
        void Add(string prefix, IEnumerable<KeyValuePair<string, Tensor>> items)
        {
            foreach (var (k, v) in items)
            {
                tensors.Add(new(prefix + k, v.ToTensorData()));
            }
        }

        Add("g.", Generator.state_dict());
        Add("d.", Discriminator.state_dict());
        Add("g_ema.", GeneratorEma.state_dict());
        Add("g_optim.", gOptim.StateTensors());
        Add("d_optim.", dOptim.StateTensors());
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["mean_path_length"] = meanPathLength.ToString("R", CultureInfo.InvariantCulture),
            ["g_optim_step"] = gOptim.StepCount.ToString(CultureInfo.InvariantCulture),
            ["d_optim_step"] = dOptim.StepCount.ToString(CultureInfo.InvariantCulture),
            ["architecture"] = Architecture(),
        };
        SafeTensorsFile.Write(CheckpointPath, tensors, metadata);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        gOptim.Dispose();
        dOptim.Dispose();
        Generator.Dispose();
        GeneratorEma.Dispose();
        Discriminator.Dispose();
    }

    private static readonly string[] LossNames = { "d_loss", "g_loss", "r1", "path", "mean_path_length", "real_score", "fake_score" };

    private Dictionary<string, double> TrainStep(long step)
    {
        using var scope = torch.NewDisposeScope();
        int batch = Options.Batch;
        using var gen = new torch.Generator(Mix(step, 1));
        var real = Augment(data.GetBatch(step, batch).to(device), gen);
        // r1 and path appear only on the steps that compute them (lazy regularisation).
        var result = new Dictionary<string, double>();

        // Gradient accumulation: the batch is processed as K micro-batches whose gradients add up before each
        // optimiser step (each loss scaled by 1/K, so the step equals one on the mean loss). Minibatch-stddev
        // groups then form within a micro-batch.
        int k = Options.GradientAccumulation;
        int micro = batch / k;

        // Discriminator step.
        ModuleGradients.Set(Generator, false);
        ModuleGradients.Set(Discriminator, true);
        dOptim.ZeroGrad();
        double dLoss = 0, realScore = 0, fakeScore = 0;
        for (int a = 0; a < k; a++)
        {
            Tensor fake;
            using (torch.no_grad())
            {
                fake = Generator.Generate(MixingNoise(micro, gen), new GeneratorForwardOptions { Seed = (long)Mix(step, 2 + (16 * a)), InjectIndex = InjectIndex(gen) }).Image;
            }

            var fakePred = Discriminator.forward(fake);
            var realPred = Discriminator.forward(real.narrow(0, a * micro, micro));
            var loss = StyleGan2Losses.DiscriminatorLogistic(realPred, fakePred) / k;
            loss.backward();
            dLoss += loss.item<float>();
            realScore += realPred.mean().item<float>() / k;
            fakeScore += fakePred.mean().item<float>() / k;
        }

        dOptim.Step();
        result["d_loss"] = dLoss;
        result["real_score"] = realScore;
        result["fake_score"] = fakeScore;

        if (step % Options.DRegEvery == 0)
        {
            dOptim.ZeroGrad();
            double r1Sum = 0;
            for (int a = 0; a < k; a++)
            {
                var realGrad = real.narrow(0, a * micro, micro).detach().requires_grad_(true);
                var pred = Discriminator.forward(realGrad);
                var r1 = StyleGan2Losses.R1Penalty(pred, realGrad);
                (((Options.R1Gamma / 2 * r1 * Options.DRegEvery) + (0 * pred[0])).sum() / k).backward();
                r1Sum += r1.item<float>() / k;
            }

            dOptim.Step();
            result["r1"] = r1Sum;
        }

        // Generator step.
        ModuleGradients.Set(Generator, true);
        ModuleGradients.Set(Discriminator, false);
        gOptim.ZeroGrad();
        double gLoss = 0;
        for (int a = 0; a < k; a++)
        {
            var gOut = Generator.Generate(MixingNoise(micro, gen), new GeneratorForwardOptions { Seed = (long)Mix(step, 3 + (16 * a)), InjectIndex = InjectIndex(gen) });
            var loss = StyleGan2Losses.GeneratorNonSaturating(Discriminator.forward(gOut.Image)) / k;
            loss.backward();
            gLoss += loss.item<float>();
        }

        gOptim.Step();
        result["g_loss"] = gLoss;

        if (step % Options.GRegEvery == 0)
        {
            int pathBatch = Math.Max(1, micro / Options.PathBatchShrink);
            var pOut = Generator.Generate(MixingNoise(pathBatch, gen), new GeneratorForwardOptions { Seed = (long)Mix(step, 4), InjectIndex = InjectIndex(gen) });
            var randn = torch.randn(pOut.Image.shape, generator: gen).to(device);
            var path = StyleGan2Losses.PathLength(pOut.Image, pOut.Latent, meanPathLength, randn);
            gOptim.ZeroGrad();
            ((Options.PathRegularize * Options.GRegEvery * path.Penalty) + (0 * pOut.Image[0, 0, 0, 0])).backward();
            gOptim.Step();
            meanPathLength = path.MeanPathLength.item<float>();
            result["path"] = path.Penalty.item<float>();
        }

        result["mean_path_length"] = meanPathLength;
        ModuleGradients.Set(Discriminator, true);
        Accumulate(Math.Pow(0.5, batch / Options.EmaHalfLifeImages));
        return result;
    }

    private Tensor[] MixingNoise(int batch, torch.Generator gen)
    {
        int styleDim = Generator.Config.StyleDim;
        bool mix = Options.Mixing > 0 && torch.rand(1, generator: gen).item<float>() < Options.Mixing;
        var z1 = torch.randn(new long[] { batch, styleDim }, generator: gen).to(device);
        return mix ? new[] { z1, torch.randn(new long[] { batch, styleDim }, generator: gen).to(device) } : new[] { z1 };
    }

    private int InjectIndex(torch.Generator gen)
        => 1 + (int)torch.randint(Generator.Config.LatentCount - 1, new long[] { 1 }, generator: gen).item<long>();

    private Tensor Augment(Tensor real, torch.Generator gen)
    {
        if (!Options.XFlip)
        {
            return real;
        }

        var flip = (torch.rand(new long[] { real.shape[0] }, generator: gen) < 0.5).to(device);
        return torch.where(flip.view(-1, 1, 1, 1), real.flip(3), real);
    }

    private void Accumulate(double decay)
    {
        using var noGrad = torch.no_grad();
        var source = Generator.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in GeneratorEma.named_parameters())
        {
            using Scalar keep = decay, take = 1 - decay; // explicit: see AdamOptimizer
            p.mul_(keep).add_(source[name], alpha: take);
        }
    }

    private static void CopyParameters(nn.Module from, nn.Module to)
    {
        using var noGrad = torch.no_grad();
        var source = from.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in to.named_parameters())
        {
            p.copy_(source[name]);
        }
    }

    // SplitMix64-derived, stable across processes (HashCode is randomised per process), so resumes are exact.
    private ulong Mix(long step, int purpose) => Data.DeterministicRandom.Derive(Options.Seed, step, purpose) & 0x7fffffffffffUL;

    private string Architecture() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["generator"] = Describe(Generator.Config.Size, Generator.Config.StyleDim, Generator.Config.MappingLayers, Generator.Config.Channels),
        ["discriminator"] = Describe(Discriminator.Config.Size, 0, 0, Discriminator.Config.Channels),
        ["batch"] = Options.Batch,
        ["seed"] = Options.Seed,
    });

    private static string Describe(int size, int style, int mapping, IReadOnlyDictionary<int, int> channels)
        => $"size {size}, style {style}, mapping {mapping}, channels {string.Join("/", channels.Where(p => p.Key <= size).OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}"))}";

    private void Resume()
    {
        var content = SafeTensorsFile.Read(CheckpointPath);
        if (!content.Metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new CheckpointFormatException($"{CheckpointPath} is not a T2F StyleGAN2 training checkpoint (format '{format ?? "none"}'); move it away or choose another run folder.");
        }

        string saved = content.Metadata.GetValueOrDefault("architecture", "{}");
        string current = Architecture();
        if (saved != current)
        {
            var a = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(saved) ?? new();
            var b = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(current) ?? new();
            var diffs = a.Keys.Union(b.Keys).Where(k => !a.TryGetValue(k, out var x) || !b.TryGetValue(k, out var y) || x.ToString() != y.ToString())
                .Select(k => $"{k}: checkpoint {(a.TryGetValue(k, out var x) ? x.ToString() : "-")} vs this run {(b.TryGetValue(k, out var y) ? y.ToString() : "-")}");
            throw new ArgumentException($"{CheckpointPath} was made by a different run configuration ({string.Join("; ", diffs)}). Use a new run folder, or the settings the checkpoint was made with.");
        }

        using var scope = torch.NewDisposeScope();
        Dictionary<string, Tensor> Part(string prefix) => content.Tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value.ToTensor());
        ModuleStateLoader.Load(Generator, Part("g."), CheckpointPath + " (g)");
        ModuleStateLoader.Load(Discriminator, Part("d."), CheckpointPath + " (d)");
        ModuleStateLoader.Load(GeneratorEma, Part("g_ema."), CheckpointPath + " (g_ema)");
        gOptim.Load(Part("g_optim."), long.Parse(content.Metadata["g_optim_step"], CultureInfo.InvariantCulture));
        dOptim.Load(Part("d_optim."), long.Parse(content.Metadata["d_optim_step"], CultureInfo.InvariantCulture));
        Step = long.Parse(content.Metadata["step"], CultureInfo.InvariantCulture);
        meanPathLength = double.Parse(content.Metadata["mean_path_length"], CultureInfo.InvariantCulture);
    }

    private void SaveSampleGrid()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var gen = new torch.Generator((ulong)(Options.Seed & 0x7fffffff));
        int n = Math.Min(16, Math.Max(4, Options.Batch));
        var z = torch.randn(new long[] { n, Generator.Config.StyleDim }, generator: gen).to(device);
        var images = GeneratorEma.Generate(new[] { z }, new GeneratorForwardOptions { Noise = NoiseMode.Constant }).Image;
        ImageTensor.SavePng(ImageTensor.Grid(images), Path.Combine(RunFolder, "samples", $"step{Step:D7}.png"));
    }
}
