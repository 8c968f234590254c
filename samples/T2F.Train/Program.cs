// Training from the command line.
//   dotnet run --project samples/T2F.Train -c Release -- gan --data DIR --size 64 --steps 1000 --run runs/gan64
// Ctrl+C stops after the current step and writes a checkpoint; running the same command again resumes.
using System.Globalization;
using T2F.Core.Data;
using T2F.Core.Generation;
using T2F.Core.Metrics.Perceptual;
using T2F.Core.Training;
using TorchSharp;

namespace T2F.Samples.Train;

public static class Program
{
    private const string Usage = """
        Usage: T2F.Train gan --data DIR --run DIR [options]
               T2F.Train projector --data DIR --generator FILE --run DIR [options]
               T2F.Train bundle --generator FILE --projector-run DIR --out DIR
          Trains a StyleGAN2 generator on a CelebA-layout folder (CelebA, CelebA-HQ or SynthFaces:
          make one with `dotnet run --project samples/T2F.Datasets -c Release -- render --count 10000 --size 64 --out DIR`).
          --data DIR        dataset folder (CelebA layout)
          --run DIR         run folder: checkpoint.safetensors, losses.csv, samples/ (resumes when it has a checkpoint)
          --size R          resolution (default 64)
          --channels SPEC   channels per resolution, e.g. 4:256,8:256,16:128,32:64,64:32 (default: config-f table / 4)
          --style N         style size (default 256)
          --mapping N       mapping layers (default 4)
          --batch N         batch (default 8)
          --accumulate K    gradient accumulation: K micro-batches of batch/K per step (default 1)
          --steps N         total steps (default 10000)
          --lr X            learning rate (default 0.002)
          --seed N          seed (default 0)
          --checkpoint-every N / --sample-every N / --log-every N (defaults 500 / 500 / 10)
          --threads K       libtorch CPU threads
          --device D        cpu (default), cuda or cuda:N (needs a CUDA build of libtorch)
        projector: trains the paper's text-to-latent projector (frozen all-MiniLM-L6-v2 + frozen generator)
          --generator FILE  generator checkpoint (a gan run's checkpoint.safetensors, a rosinality .pt, ...)
          --space S         z | w | wplus (default wplus)
          --hidden N / --depth N / --noise N   projector MLP (defaults 512 / 2 / 0)
          --batch N / --steps N / --lr X / --seed N / --checkpoint-every N / --sample-every N / --log-every N
          --perceptual SPEC perceptual loss: vgg16:FILE (torchvision vgg16-397923af.pth) or resnet18 (ML.NET's
                            ImageNet ResNet-18, offline); images are resized to 224 (vgg16:FILE:SIZE, resnet18:SIZE
                            to change it); default none
          --perceptual-weight X  its weight (default 1)
          --adversarial X   weight of the text-conditioned (projection) discriminator term (default 0: off)
          --attribute-critic FILE  a frozen attribute classifier (T2F.Evaluate train-attributes; not the one you evaluate
                            with) for the attribute term: BCE between its logits on the generated face and the
                            dataset's attributes (list_attr_celeba.txt)
          --attribute-weight X / --attribute-start N   its weight (default 1 with a critic) and first step (default 0)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] is not ("gan" or "projector" or "bundle"))
        {
            Console.Error.WriteLine($"error: unknown verb '{args[0]}'.");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        Dictionary<string, string> o;
        try
        {
            o = ParseOptions(args.Skip(1).ToArray());
            CheckOptions(args[0], o);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        if (args[0] == "projector")
        {
            return TrainProjector(o);
        }

        if (args[0] == "bundle")
        {
            return MakeBundle(o);
        }

        if (!o.TryGetValue("--data", out var dataDir) || !o.TryGetValue("--run", out var runDir))
        {
            Console.Error.WriteLine("error: --data DIR and --run DIR are required.");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        int Int(string name, int fallback) => o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        if (o.TryGetValue("--threads", out var threads))
        {
            torch.set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));
        }

        int size = Int("--size", 64);
        var channels = o.TryGetValue("--channels", out var spec)
            ? spec.Split(',').Select(p => p.Split(':')).ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => int.Parse(p[1], CultureInfo.InvariantCulture))
            : StyleGan2Defaults.Channels(2, size).ToDictionary(p => p.Key, p => Math.Max(16, p.Value / 4));
        var taps = StyleGan2Defaults.BlurTaps;
        var gConfig = new GeneratorConfig(size, Int("--style", 256), Int("--mapping", 4), channels, StyleGan2Defaults.MappingLrMul, taps);
        var dConfig = new DiscriminatorConfig(size, channels, taps);
        var options = new StyleGan2TrainingOptions
        {
            Batch = Int("--batch", 8),
            GradientAccumulation = Int("--accumulate", 1),
            Device = o.GetValueOrDefault("--device", "cpu"),
            Steps = Int("--steps", 10_000),
            LearningRate = o.TryGetValue("--lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : 0.002,
            Seed = Int("--seed", 0),
            CheckpointEvery = Int("--checkpoint-every", 500),
            SampleEvery = Int("--sample-every", 500),
            LogEvery = Int("--log-every", 10),
        };

        try
        {
            gConfig.Validate();
            dConfig.Validate();
            var dataset = FaceImageDataset.Open(dataDir, new FaceDatasetOptions { Resolution = size });
            using var trainer = new StyleGan2Trainer(gConfig, dConfig, new FaceDatasetImageSource(dataset, options.Seed), runDir, options);
            Console.WriteLine($"{dataset.Count} images at {size}x{size}; run folder {trainer.RunFolder}{(trainer.Step > 0 ? $", resuming at step {trainer.Step}" : string.Empty)}.");
            using var cts = CancelOnCtrlC();
            trainer.Train(new ProgressBar(), cts.Token);
            Console.WriteLine();
            Console.WriteLine($"Stopped at step {trainer.Step}; checkpoint {trainer.CheckpointPath}.");
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or TrainingDivergedException or T2F.Core.Checkpoints.StateDictMismatchException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static int TrainProjector(Dictionary<string, string> o)
    {
        if (!o.TryGetValue("--data", out var dataDir) || !o.TryGetValue("--run", out var runDir) || !o.TryGetValue("--generator", out var generatorPath))
        {
            Console.Error.WriteLine("error: --data DIR, --generator FILE and --run DIR are required.");
            return 2;
        }

        int Int(string name, int fallback) => o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        try
        {
            using var generator = StyleGan2Model.Load(generatorPath);
            using var encoder = T2F.Models.MiniLM.MiniLM.LoadEncoder();
            var space = o.GetValueOrDefault("--space", "wplus") switch
            {
                "z" => T2F.Core.Projection.LatentSpace.Z,
                "w" => T2F.Core.Projection.LatentSpace.W,
                "wplus" => T2F.Core.Projection.LatentSpace.WPlus,
                var other => throw new ArgumentException($"--space must be z, w or wplus, not {other}."),
            };
            var config = new T2F.Core.Projection.LatentProjectorConfig(encoder.EmbeddingSize, generator.StyleSize, generator.LatentCount, space, Int("--hidden", 512), Int("--depth", 2), Int("--noise", 0));
            using var meanW = generator.MeanLatent();
            using var projector = new T2F.Core.Projection.MlpLatentProjector(config, meanW);
            var dataset = FaceImageDataset.Open(dataDir, new FaceDatasetOptions { Resolution = generator.Resolution });
            var options = new ProjectorTrainingOptions
            {
                Batch = Int("--batch", 8),
                Steps = Int("--steps", 20_000),
                LearningRate = o.TryGetValue("--lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : 1e-3,
                Seed = Int("--seed", 0),
                CheckpointEvery = Int("--checkpoint-every", 500),
                SampleEvery = Int("--sample-every", 500),
                LogEvery = Int("--log-every", 10),
                Device = o.GetValueOrDefault("--device", "cpu"),
                PerceptualWeight = o.TryGetValue("--perceptual-weight", out var pw) ? double.Parse(pw, CultureInfo.InvariantCulture) : 1.0,
                AdversarialWeight = o.TryGetValue("--adversarial", out var aw) ? double.Parse(aw, CultureInfo.InvariantCulture) : 0.0,
                AttributeWeight = !o.ContainsKey("--attribute-critic") ? 0.0 : o.TryGetValue("--attribute-weight", out var atw) ? double.Parse(atw, CultureInfo.InvariantCulture) : 1.0,
                AttributeStartStep = Int("--attribute-start", 0),
            };
            if (!o.ContainsKey("--attribute-critic") && (o.ContainsKey("--attribute-weight") || o.ContainsKey("--attribute-start")))
            {
                throw new ArgumentException("--attribute-weight and --attribute-start need --attribute-critic FILE.");
            }

            using var critic = o.TryGetValue("--attribute-critic", out var criticPath) ? T2F.Core.Metrics.Attributes.AttributeClassifier.Load(criticPath) : null;
            if (critic is not null)
            {
                Console.WriteLine($"Attribute term: {critic.Name}, weight {options.AttributeWeight.ToString(CultureInfo.InvariantCulture)} from step {options.AttributeStartStep}.");
            }

            using var perceptual = o.TryGetValue("--perceptual", out var spec) ? CreatePerceptual(spec) : null;
            if (perceptual is not null)
            {
                Console.WriteLine($"Perceptual loss: {perceptual.Name}, weight {options.PerceptualWeight.ToString(CultureInfo.InvariantCulture)}.");
            }

            using var trainer = new ProjectorTrainer(projector, generator.Generator, encoder, new FaceDatasetProjectorSource(dataset, options.Seed), runDir, options, perceptual, critic);
            Console.WriteLine($"{dataset.Count} captioned images at {generator.Resolution}x{generator.Resolution}; projector {config}; run folder {trainer.RunFolder}{(trainer.Step > 0 ? $", resuming at step {trainer.Step}" : string.Empty)}.");
            using var cts = CancelOnCtrlC();
            trainer.Train(new ProgressBar(), cts.Token);
            Console.WriteLine();
            Console.WriteLine($"Stopped at step {trainer.Step}; checkpoint {trainer.CheckpointPath}.");
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or TrainingDivergedException or T2F.Core.Checkpoints.StateDictMismatchException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Packs a generator and a trained projector (with MiniLM as the text encoder) into a model bundle.</summary>
    private static int MakeBundle(Dictionary<string, string> o)
    {
        if (!o.TryGetValue("--generator", out var generatorPath) || !o.TryGetValue("--projector-run", out var runDir) || !o.TryGetValue("--out", out var outDir))
        {
            Console.Error.WriteLine("error: --generator FILE, --projector-run DIR and --out DIR are required.");
            return 2;
        }

        try
        {
            var generator = StyleGan2Model.Load(generatorPath);
            var content = T2F.Core.Checkpoints.SafeTensorsFile.Read(Path.Combine(runDir, ProjectorTrainer.CheckpointFile));
            var config = T2F.Core.Projection.LatentProjectorConfig.FromJson(content.Metadata.GetValueOrDefault("projector") ?? throw new IOException($"{runDir}'s checkpoint has no projector configuration."));
            var projector = new T2F.Core.Projection.MlpLatentProjector(config);
            using (var scope = torch.NewDisposeScope())
            {
                var weights = content.Tensors.Where(p => p.Key.StartsWith("projector.", StringComparison.Ordinal))
                    .ToDictionary(p => p.Key["projector.".Length..], p => T2F.Core.Checkpoints.TensorDataTorchExtensions.ToTensor(p.Value));
                T2F.Core.Checkpoints.ModuleStateLoader.Load(projector, weights, runDir);
            }

            using var pipeline = new T2F.Core.Pipeline.TextToFacePipeline(T2F.Models.MiniLM.MiniLM.LoadEncoder(), projector, generator, T2F.Models.MiniLM.MiniLM.EncoderName, ownsEncoder: true);
            pipeline.Save(outDir);
            Console.WriteLine($"Wrote the model bundle {Path.GetFullPath(outDir)} ({generator.Resolution}x{generator.Resolution}, projector {config}).");
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or T2F.Core.Checkpoints.StateDictMismatchException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The perceptual network of <c>--perceptual vgg16:FILE[:SIZE]</c> or <c>--perceptual resnet18[:SIZE]</c>.</summary>
    private static PerceptualFeatureExtractor CreatePerceptual(string spec)
    {
        static int Size(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size > 0
            ? size
            : throw new ArgumentException($"--perceptual: '{text}' is not a positive image size.");
        if (spec == "resnet18" || spec.StartsWith("resnet18:", StringComparison.Ordinal))
        {
            return T2F.Models.ResNet18.ResNet18Models.CreateFeatureExtractor(spec.Length > 9 ? Size(spec[9..]) : 224);
        }

        if (spec.StartsWith("vgg16:", StringComparison.Ordinal) && spec.Length > 6)
        {
            string rest = spec[6..];
            int colon = rest.LastIndexOf(':');
            int size = 224;
            if (colon > 0 && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                size = Size(rest[(colon + 1)..]);
                rest = rest[..colon];
            }

            return new PerceptualFeatureExtractor(Vgg16PerceptualNet.Load(rest), size);
        }

        throw new ArgumentException($"--perceptual must be vgg16:FILE or resnet18, not '{spec}'.");
    }

    /// <summary>Ctrl+C (SIGINT) or SIGTERM stops training after the current step; the trainer then writes a checkpoint.</summary>
    private static CancellationTokenSource CancelOnCtrlC()
    {
        var cts = new CancellationTokenSource();
        void Stop()
        {
            if (!cts.IsCancellationRequested)
            {
                cts.Cancel();
                Console.WriteLine();
                Console.WriteLine("Stopping after this step; writing a checkpoint...");
            }
        }

        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Stop();
        };
        TerminationSignal = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Stop();
        });
        return cts;
    }

    // Kept alive for the process: disposing the registration would restore the default (immediate exit) on SIGTERM.
    private static System.Runtime.InteropServices.PosixSignalRegistration? TerminationSignal { get; set; }

    // Every option a verb reads, with the smallest value an integer option takes (null: not an integer). An unknown
    // option is an error, not ignored: "--step 20" must not train the default 10,000 steps.
    private static readonly (string Name, int? Min)[] TrainingLoopOptions =
    {
        ("--data", null), ("--run", null), ("--batch", 1), ("--steps", 1), ("--lr", null), ("--seed", 0),
        ("--checkpoint-every", 1), ("--sample-every", 0), ("--log-every", 1), ("--threads", 1), ("--device", null),
    };

    private static readonly Dictionary<string, Dictionary<string, int?>> VerbOptions = new(StringComparer.Ordinal)
    {
        ["gan"] = Options(TrainingLoopOptions, ("--size", 8), ("--channels", null), ("--style", 1), ("--mapping", 1), ("--accumulate", 1)),
        ["projector"] = Options(TrainingLoopOptions, ("--generator", null), ("--space", null), ("--hidden", 1), ("--depth", 1), ("--noise", 0),
            ("--perceptual", null), ("--perceptual-weight", null), ("--adversarial", null), ("--attribute-critic", null), ("--attribute-weight", null), ("--attribute-start", 0)),
        ["bundle"] = Options(Array.Empty<(string, int?)>(), ("--generator", null), ("--projector-run", null), ("--out", null)),
    };

    private static Dictionary<string, int?> Options((string Name, int? Min)[] shared, params (string Name, int? Min)[] own)
        => shared.Concat(own).ToDictionary(o => o.Name, o => o.Min, StringComparer.Ordinal);

    /// <summary>Rejects options the verb does not know and integer options that are not integers at or above their minimum.</summary>
    private static void CheckOptions(string verb, Dictionary<string, string> o)
    {
        var known = VerbOptions[verb];
        foreach (var (name, value) in o)
        {
            if (!known.TryGetValue(name, out int? min))
            {
                throw new ArgumentException($"unknown option {name} for '{verb}'; known: {string.Join(", ", known.Keys)}.");
            }

            if (min is int floor && (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < floor))
            {
                throw new ArgumentException($"{name} must be an integer >= {floor}; got '{value}'.");
            }

            if (name == "--channels" && !value.Split(',').All(part => part.Split(':') is [var r, var c]
                && int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out int res) && res >= 4
                && int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ch) && ch >= 1))
            {
                throw new ArgumentException($"--channels must be RESOLUTION:CHANNELS pairs such as 4:256,8:256,16:128; got '{value}'.");
            }

            if (name is "--lr" or "--perceptual-weight" or "--adversarial"
                && (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x) || x < 0))
            {
                throw new ArgumentException($"{name} must be a finite number >= 0; got '{value}'.");
            }
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', got '{args[i]}'.");
            }

            result[args[i]] = args[++i];
        }

        return result;
    }

    private sealed class ProgressBar : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            const int width = 30;
            int filled = (int)(width * p.Step / Math.Max(1, p.TotalSteps));
            string losses = string.Join(" ", p.Losses.Where(l => l.Key is "d_loss" or "g_loss" or "loss" or "l1").Select(l => $"{l.Key} {l.Value:F3}"));
            Console.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {p.Step}/{p.TotalSteps} {p.ImagesPerSecond:F1} img/s {losses} ETA {p.Eta:hh\\:mm\\:ss}   ");
        }
    }
}
