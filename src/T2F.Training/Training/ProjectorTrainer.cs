using System.Globalization;
using T2F.Core.Checkpoints;
using T2F.Core.Data;
using T2F.Core.Generation;
using T2F.Core.IO;
using T2F.Core.Metrics;
using T2F.Core.Metrics.Attributes;
using T2F.Core.Projection;
using T2F.Core.Text;
using T2F.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// Trains the text-to-latent projector as the paper does: descriptions are embedded by a frozen text encoder, the
/// projector maps them (+ noise) into the frozen generator's latent space, and the rendered face is compared with
/// the ground-truth image (pixel L1/L2 + perceptual loss + a latent regulariser). Checkpoints (projector weights,
/// Adam moments, step) are atomic and resume is automatic.
/// </summary>
public sealed class ProjectorTrainer : IDisposable, ITrainingRun
{
    /// <summary>Checkpoint file name inside the run folder.</summary>
    public const string CheckpointFile = "projector-checkpoint.safetensors";

    private const string Format = "t2f-projector-train/1";

    private readonly ILatentProjector projector;
    private readonly nn.Module projectorModule;
    private readonly string projectorIdentity;
    private readonly IStyleGenerator generator;
    private readonly ITextEncoder encoder;
    private readonly IProjectorDataSource data;
    private readonly IFeatureExtractor? perceptual;
    private readonly AdamOptimizer optimizer;
    private readonly Dictionary<string, float[]> embeddingCache = new(StringComparer.Ordinal);
    private readonly Tensor meanW;
    private readonly Device device;
    private readonly ProjectionDiscriminator? discriminator;
    private readonly AdamOptimizer? discriminatorOptimizer;
    private readonly AttributeClassifier? attributeCritic;
    private readonly Tensor? attributeMask;
    private readonly Tensor? attributePositiveWeight;

    /// <summary>Creates the trainer; resumes from the run folder's checkpoint when there is one.</summary>
    /// <param name="projector">
    /// The projector to train: any <see cref="ILatentProjector"/> that is a TorchSharp <see cref="nn.Module"/> (its parameters
    /// are optimised and its state dict is checkpointed), e.g. <see cref="MlpLatentProjector"/>. A <c>w_avg</c> buffer,
    /// when it has one, is the target of the latent regulariser (the generator's mean w); without one
    /// <see cref="ProjectorTrainingOptions.LatentWeight"/> must be 0. The trainer moves it to the training device.
    /// </param>
    /// <param name="generator">
    /// Frozen generator, already on the training device (<see cref="StyleGan2Model"/> or another
    /// <see cref="IStyleGenerator"/>): faces are rendered with <see cref="IStyleGenerator.Synthesize"/> and constant
    /// noise, and the loss flows back through it to the latents, so its <c>Synthesize</c> must record autograd for
    /// latents that require gradients (<see cref="StyleGan2Model"/> does).
    /// </param>
    /// <param name="encoder">Frozen text encoder (embedding size must match the projector).</param>
    /// <param name="data">Images with captions (resolution must match the generator).</param>
    /// <param name="runFolder">Checkpoint and losses.csv folder.</param>
    /// <param name="options">Settings.</param>
    /// <param name="perceptual">Perceptual network (VGG16 in the paper); null trains with pixel and latent losses only.</param>
    /// <param name="attributeCritic">
    /// Frozen attribute classifier for <see cref="ProjectorTrainingOptions.AttributeWeight"/> (required when the weight is
    /// above 0; the data source must then give attributes). The trainer moves it to the training device and does not own it.
    /// </param>
    public ProjectorTrainer(ILatentProjector projector, IStyleGenerator generator, ITextEncoder encoder, IProjectorDataSource data, string runFolder, ProjectorTrainingOptions? options = null, IFeatureExtractor? perceptual = null, AttributeClassifier? attributeCritic = null)
    {
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        Options = options ?? new ProjectorTrainingOptions();
        device = TrainingDevice.Parse(Options.Device);
        projectorModule = projector as nn.Module ?? throw new ArgumentException($"The projector {projector.GetType().Name} is not a TorchSharp Module, so it has no parameters to train; implement ILatentProjector on a Module (as MlpLatentProjector does).", nameof(projector));
        if (encoder.EmbeddingSize != projector.EmbeddingSize)
        {
            throw new ArgumentException($"The text encoder gives {encoder.EmbeddingSize}-d embeddings, the projector takes {projector.EmbeddingSize}; build the projector for this encoder.");
        }

        if (data.Resolution != generator.Resolution || projector.StyleSize != generator.StyleSize || (projector.Space == LatentSpace.WPlus && projector.LatentCount != generator.LatentCount))
        {
            throw new ArgumentException($"Projector/generator/data mismatch: data {data.Resolution}px, generator {generator.Resolution}px style {generator.StyleSize} n_latent {generator.LatentCount}, projector style {projector.StyleSize} n_latent {projector.LatentCount}.");
        }

        var meanLatent = projectorModule.named_buffers().FirstOrDefault(b => b.name == "w_avg").buffer;
        if (meanLatent is null && Options.LatentWeight > 0)
        {
            throw new ArgumentException($"LatentWeight is {Options.LatentWeight}, but the projector {projector.GetType().Name} has no 'w_avg' buffer (the generator's mean w the latent regulariser pulls towards); register one or set LatentWeight to 0.", nameof(projector));
        }

        CheckGeneratorDevice(generator, device);
        if (!(Options.AttributeBalance >= 0 && Options.AttributeBalance <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.AttributeBalance, "AttributeBalance must be in [0, 1] (0: every label weighs alike; 0.5: square-root class balance; 1: full class balance).");
        }

        if (Options.AttributeWeight > 0)
        {
            if (attributeCritic is null)
            {
                throw new ArgumentException($"AttributeWeight is {Options.AttributeWeight}, but no attribute classifier was given; pass one (a classifier other than the one you evaluate with) or set AttributeWeight to 0.", nameof(attributeCritic));
            }

            if (data.GetAttributes(0, 1) is null)
            {
                throw new ArgumentException("AttributeWeight is above 0, but the data source has no attribute labels; use a labelled dataset (list_attr_celeba.txt) or set AttributeWeight to 0.", nameof(data));
            }

            if (attributeCritic.TrainedAttributes.IsEmpty)
            {
                throw new ArgumentException($"The attribute classifier '{attributeCritic.Name}' has no trained attributes; train it first (T2F.Evaluate train-attributes).", nameof(attributeCritic));
            }

            ModuleGradients.Set(attributeCritic, false);
            attributeCritic.eval();
            attributeCritic.to(device);
            this.attributeCritic = attributeCritic;
            using var maskScope = torch.NewDisposeScope();
            attributeMask = AttributeClassifierTrainer.LabelTensor(new[] { attributeCritic.TrainedAttributes }).to(device).DetachFromDisposeScope();
            if (Options.AttributeBalance > 0)
            {
                attributePositiveWeight = PositiveWeights(data, Options.AttributeBalance).to(device).DetachFromDisposeScope();
            }
        }
        else if (Options.AttributeBalance > 0 || Options.AttributeAugment)
        {
            throw new ArgumentException($"AttributeBalance ({Options.AttributeBalance}) or AttributeAugment ({Options.AttributeAugment}) is set, but AttributeWeight is 0, so there is no attribute term to change; set AttributeWeight above 0, or AttributeBalance to 0 and AttributeAugment to false.", nameof(options));
        }

        this.projector = projector;
        this.generator = generator;
        this.encoder = encoder;
        this.data = data;
        this.perceptual = perceptual;
        RunFolder = Path.GetFullPath(runFolder);
        Directory.CreateDirectory(RunFolder);
        projectorIdentity = Identity(projector);
        projectorModule.to(device);
        meanW = (meanLatent?.detach().clone() ?? torch.zeros(projector.StyleSize)).to(device).DetachFromDisposeScope();
        optimizer = new AdamOptimizer(projectorModule.named_parameters(), Options.LearningRate, 0.9, 0.999);
        if (Options.AdversarialWeight > 0)
        {
            // Adam as in StyleGAN2 (beta1 0, beta2 0.99).
            var discriminatorConfig = Options.AdversarialDiscriminator ?? DiscriminatorConfig.Create(generator.Resolution);
            if (discriminatorConfig.Size != generator.Resolution)
            {
                throw new ArgumentException($"AdversarialDiscriminator is for {discriminatorConfig.Size}px images, the generator renders {generator.Resolution}px; give a discriminator of the generator's resolution.", nameof(options));
            }

            using (SeededGlobalRandom.Seed(Options.Seed))
            {
                discriminator = new ProjectionDiscriminator(discriminatorConfig, encoder.EmbeddingSize);
            }

            discriminator.to(device);
            discriminatorOptimizer = new AdamOptimizer(discriminator.named_parameters(), 0.002, 0, 0.99);
        }

        if (File.Exists(CheckpointPath))
        {
            Resume();
        }
    }

    /// <summary>The options the trainer was created with (steps, batch, loss weights, seed).</summary>
    public ProjectorTrainingOptions Options { get; }

    /// <summary>The run folder.</summary>
    public string RunFolder { get; }

    /// <summary>Checkpoint path.</summary>
    public string CheckpointPath => Path.Combine(RunFolder, CheckpointFile);

    /// <summary>Steps completed.</summary>
    public long Step { get; private set; }

    private static readonly string[] LossNames = { "loss", "l1", "l2", "perceptual", "latent", "adversarial", "d_loss", "attribute" };

    /// <summary>Trains up to <see cref="ProjectorTrainingOptions.Steps"/>.</summary>
    /// <param name="progress">Progress sink.</param>
    /// <param name="cancellationToken">Stops after the current step (a checkpoint is written first).</param>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite.</exception>
    public void Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        projectorModule.train();
        new TrainingLoop(Options.Steps, Options.Batch, Options.LogEvery, Options.SampleEvery, Options.CheckpointEvery)
            .Run(this, RunFolder, "projector-losses.csv", LossNames, "lower the learning rate", progress, cancellationToken);
    }

    /// <inheritdoc />
    IReadOnlyDictionary<string, double> ITrainingRun.Advance()
    {
        var losses = TrainStep(Step);
        Step++;
        return losses;
    }

    /// <summary>Writes <c>samples/stepNNNNNNN.png</c>: ground truth above, generated from the fixed descriptions below.</summary>
    public void SaveSampleGrid()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int n = Math.Min(8, Options.Batch);
        var (cpuImages, captions) = data.GetBatch(0, n);
        var images = cpuImages.to(device);
        projectorModule.eval();
        var generated = Render(captions, 0);
        projectorModule.train();
        var grid = Imaging.ImageTensor.Grid(torch.cat(new[] { images, generated }, 0), n);
        Imaging.ImageTensor.SavePng(grid, Path.Combine(RunFolder, "samples", $"step{Step:D7}.png"));
        File.WriteAllLines(Path.Combine(RunFolder, "samples", "descriptions.txt"), captions);
    }

    /// <summary>Mean pixel L1 between generated and ground-truth images for <paramref name="batchSize"/> pairs of step <paramref name="step"/> (no training).</summary>
    /// <param name="step">Step whose batch to evaluate.</param>
    /// <param name="batchSize">Pairs.</param>
    public double Evaluate(long step, int batchSize)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        projectorModule.eval();
        var (cpuImages, captions) = data.GetBatch(step, batchSize);
        var images = cpuImages.to(device);
        var generated = Render(captions, step);
        projectorModule.train();
        return (generated - images).abs().mean().item<float>();
    }

    /// <summary>Writes the checkpoint atomically.</summary>
    public void SaveCheckpoint()
    {
        var tensors = projectorModule.state_dict().Select(p => new KeyValuePair<string, TensorData>("projector." + p.Key, p.Value.ToTensorData()))
            .Concat(optimizer.StateTensors().Select(p => new KeyValuePair<string, TensorData>("optim." + p.Key, p.Value.ToTensorData())))
            .ToList();
        if (discriminator is not null)
        {
            tensors.AddRange(discriminator.state_dict().Select(p => new KeyValuePair<string, TensorData>("disc." + p.Key, p.Value.ToTensorData())));
            tensors.AddRange(discriminatorOptimizer!.StateTensors().Select(p => new KeyValuePair<string, TensorData>("disc_optim." + p.Key, p.Value.ToTensorData())));
        }

        SafeTensorsFile.Write(CheckpointPath, tensors, new Dictionary<string, string>
        {
            ["format"] = Format,
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["optim_step"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
            ["disc_optim_step"] = (discriminatorOptimizer?.StepCount ?? 0).ToString(CultureInfo.InvariantCulture),
            ["adversarial"] = (discriminator is not null).ToString(CultureInfo.InvariantCulture),
            ["projector"] = projectorIdentity,
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        discriminatorOptimizer?.Dispose();
        discriminator?.Dispose();
        attributeMask?.Dispose();
        attributePositiveWeight?.Dispose();
        meanW.Dispose();
    }

    private Dictionary<string, double> TrainStep(long step)
    {
        using var scope = torch.NewDisposeScope();
        var (cpuImages, captions) = data.GetBatch(step, Options.Batch);
        var images = cpuImages.to(device);
        var generated = Render(captions, step, out var latent);
        var l1 = (generated - images).abs().mean();
        var l2 = (generated - images).square().mean();
        var latentReg = (latent - meanW).square().mean();
        var loss = (Options.L1Weight * l1) + (Options.L2Weight * l2) + (Options.LatentWeight * latentReg);
        double adversarialValue = 0, discriminatorValue = 0;
        if (discriminator is not null)
        {
            var text = Embed(captions);

            // Discriminator step: real (image, its description) against generated (face, the same description).
            ModuleGradients.Set(discriminator, true);

            var dLoss = StyleGan2Losses.DiscriminatorLogistic(discriminator.forward(images, text), discriminator.forward(generated.detach(), text));
            discriminatorOptimizer!.ZeroGrad();
            dLoss.backward();
            discriminatorOptimizer.Step();
            discriminatorValue = dLoss.item<float>();
            ModuleGradients.Set(discriminator, false);

            var adversarial = StyleGan2Losses.GeneratorNonSaturating(discriminator.forward(generated, text));
            loss = loss + (Options.AdversarialWeight * adversarial);
            adversarialValue = adversarial.item<float>();
        }

        double perceptualValue = 0;
        if (perceptual is not null && Options.PerceptualWeight > 0)
        {
            var p = (perceptual.Extract(generated) - perceptual.Extract(images)).square().mean();
            loss = loss + (Options.PerceptualWeight * p);
            perceptualValue = p.item<float>();
        }

        double attributeValue = 0;
        if (attributeCritic is not null && step >= Options.AttributeStartStep)
        {
            // Mean BCE over the critic's trained attributes only (its other outputs were never trained).
            var targets = AttributeClassifierTrainer.LabelTensor(data.GetAttributes(step, Options.Batch)!).to(device);
            var logits = attributeCritic.forward(Options.AttributeAugment ? CriticAugmentation.Apply(generated, Options.Seed, step) : generated);
            var a = AttributeClassifierTrainer.MaskedLoss(logits, targets, attributeMask!, attributePositiveWeight);
            loss = loss + (Options.AttributeWeight * a);
            attributeValue = a.item<float>();
        }

        optimizer.ZeroGrad();
        loss.backward();
        optimizer.Step();
        return new Dictionary<string, double>
        {
            ["loss"] = loss.item<float>(),
            ["l1"] = l1.item<float>(),
            ["l2"] = l2.item<float>(),
            ["perceptual"] = perceptualValue,
            ["latent"] = latentReg.item<float>(),
            ["adversarial"] = adversarialValue,
            ["d_loss"] = discriminatorValue,
            ["attribute"] = attributeValue,
        };
    }

    private Tensor Render(IReadOnlyList<string> captions, long step) => Render(captions, step, out _);

    private Tensor Render(IReadOnlyList<string> captions, long step, out Tensor latent)
    {
        var embeddings = Embed(captions);
        Tensor? noise = null;
        if (projector.NoiseSize > 0)
        {
            using var gen = new torch.Generator(DeterministicRandom.Derive(Options.Seed, step, 7) & 0x7fffffffffffUL);
            noise = torch.randn(new long[] { captions.Count, projector.NoiseSize }, generator: gen).to(device);
        }

        latent = projector.Project(embeddings, noise);
        var styles = projector.Space == LatentSpace.Z ? generator.Map(latent) : latent;
        if (projector.Space == LatentSpace.Z)
        {
            latent = styles;
        }

        return generator.Synthesize(styles, ConstantNoise);
    }

    private static readonly SynthesisOptions ConstantNoise = new() { Noise = NoiseMode.Constant };

    // What a checkpoint must have been made for: MlpLatentProjector's configuration (the format of every checkpoint so
    // far), or for another implementation its type and shape; ModuleStateLoader then checks every tensor's shape.
    private static string Identity(ILatentProjector projector) => projector is MlpLatentProjector mlp
        ? mlp.Config.ToJson()
        : string.Create(CultureInfo.InvariantCulture, $"{projector.GetType().FullName} {projector.Space} embedding {projector.EmbeddingSize} style {projector.StyleSize} latents {projector.LatentCount} noise {projector.NoiseSize}");

    // [1, 40] weights of each attribute's presence term, ((1 - p) / p)^balance, p its frequency in the first
    // AttributeFrequencySamples labels of the data order (whole chunks of 256; deterministic: the same data gives the
    // same weights on resume).
    internal static Tensor PositiveWeights(IProjectorDataSource data, double balance)
    {
        using var scope = torch.NewDisposeScope();
        int samples = Math.Min(data.Count, ProjectorTrainingOptions.AttributeFrequencySamples);
        const int chunk = 256;
        var labels = new List<Tensor>();
        for (long step = 0; step * chunk < samples; step++)
        {
            labels.Add(AttributeClassifierTrainer.LabelTensor(data.GetAttributes(step, chunk)!));
        }

        var p = torch.cat(labels, 0).to(ScalarType.Float64).mean(new long[] { 0 }, keepdim: true).clamp(0.01, 0.99);
        return ((1 - p) / p).pow(balance).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    // A generator on another device fails inside the first step with libtorch's message; this names the fix up front.
    private static void CheckGeneratorDevice(IStyleGenerator generator, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        try
        {
            generator.Map(torch.zeros(1, generator.StyleSize, device: device));
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException)
        {
            throw new ArgumentException($"The generator does not run on the training device '{device}' ({e.Message.Split('\n')[0]}); load or move it there, or set ProjectorTrainingOptions.Device to its device.", nameof(generator), e);
        }
    }

    /// <summary>Embeds captions with the frozen encoder, once per distinct caption.</summary>
    private Tensor Embed(IReadOnlyList<string> captions)
    {
        var missing = captions.Where(c => !embeddingCache.ContainsKey(c)).Distinct().ToList();
        if (missing.Count > 0)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var encoded = encoder.Encode(missing).to(ScalarType.Float32).cpu().contiguous();
            for (int i = 0; i < missing.Count; i++)
            {
                embeddingCache[missing[i]] = encoded[i].data<float>().ToArray();
            }
        }

        var flat = captions.SelectMany(c => embeddingCache[c]).ToArray();
        return torch.tensor(flat, new long[] { captions.Count, encoder.EmbeddingSize }).to(device);
    }

    private void Resume()
    {
        var content = SafeTensorsFile.Read(CheckpointPath);
        if (!content.Metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new CheckpointFormatException($"{CheckpointPath} is not a T2F projector training checkpoint (format '{format ?? "none"}').");
        }

        if (content.Metadata.GetValueOrDefault("projector") != projectorIdentity)
        {
            throw new ArgumentException($"{CheckpointPath} was made for projector {content.Metadata.GetValueOrDefault("projector")}, this run has {projectorIdentity}. Use a new run folder or the same projector settings.");
        }

        using var scope = torch.NewDisposeScope();
        Dictionary<string, Tensor> Part(string prefix) => content.Tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value.ToTensor());
        ModuleStateLoader.Load(projectorModule, Part("projector."), CheckpointPath);
        optimizer.Load(Part("optim."), long.Parse(content.Metadata["optim_step"], CultureInfo.InvariantCulture));
        bool savedAdversarial = content.Metadata.GetValueOrDefault("adversarial") == bool.TrueString;
        if (savedAdversarial != (discriminator is not null))
        {
            throw new ArgumentException($"{CheckpointPath} was trained {(savedAdversarial ? "with" : "without")} the adversarial term; resume with the same AdversarialWeight setting (on or off) or use a new run folder.");
        }

        if (discriminator is not null)
        {
            ModuleStateLoader.Load(discriminator, Part("disc."), CheckpointPath + " (disc)");
            discriminatorOptimizer!.Load(Part("disc_optim."), long.Parse(content.Metadata["disc_optim_step"], CultureInfo.InvariantCulture));
        }
        Step = long.Parse(content.Metadata["step"], CultureInfo.InvariantCulture);
    }
}
