// Training from the command line.
//   dotnet run --project samples/T2F.Train -c Release -- gan --data DIR --size 64 --steps 1000 --run runs/gan64
// Ctrl+C stops after the current step and writes a checkpoint; running the same command again resumes.
using System.CommandLine;
using System.Globalization;
using T2F.Core.Data;
using T2F.Core.Generation;
using T2F.Core.Metrics.Perceptual;
using T2F.Core.Training;
using T2F.Samples.Shared;
using TorchSharp;

namespace T2F.Samples.Train;

public static class Program
{
    public static int Main(string[] args) => SampleCommandLine.Invoke(CreateCommand(), args);

    // Verbs, options, defaults and bounds as README, training/synthfaces64.sh and docs/default-model.md use them.
    private static RootCommand CreateCommand()
    {
        var root = SampleCommandLine.CreateRoot("T2F.Train", "Trains a StyleGAN2 generator and the paper's text-to-latent projector, and packs them into a model bundle. Ctrl+C or SIGTERM stop after the current step and write a checkpoint; the same command again resumes.");
        root.Subcommands.Add(GanCommand());
        root.Subcommands.Add(ProjectorCommand());
        root.Subcommands.Add(BundleCommand());
        SampleCommandLine.AddHelpVerb(root);
        return root;
    }

    private static Command GanCommand()
    {
        var loop = new TrainingLoopOptions(defaultSteps: 10_000, defaultLearningRate: 0.002, "libtorch CPU threads (default: libtorch's choice)");
        var size = SampleOptions.Int("--size", "R", "resolution in pixels", 64, min: 8);
        var channels = SampleOptions.Parsed("--channels", "SPEC", "channels per resolution as RESOLUTION:CHANNELS pairs, e.g. 4:256,8:256,16:128,32:64,64:32 (default: the config-f table / 4, at least 16)", "RESOLUTION:CHANNELS pairs such as 4:256,8:256,16:128", ParseChannels);
        var style = SampleOptions.Int("--style", "N", "style (w) size", 256, min: 1);
        var mapping = SampleOptions.Int("--mapping", "N", "mapping layers", 4, min: 1);
        var accumulate = SampleOptions.Int("--accumulate", "K", "gradient accumulation: K micro-batches of batch/K per step", 1, min: 1);
        var command = new Command("gan", "Trains a StyleGAN2 generator (and its discriminator) on a CelebA-layout folder (CelebA, CelebA-HQ or SynthFaces: make one with `T2F.Datasets render --count 10000 --size 64 --out DIR`).");
        loop.AddTo(command);
        foreach (var option in new Option[] { size, channels, style, mapping, accumulate })
        {
            command.Options.Add(option);
        }

        command.SetAction(r =>
        {
            loop.ApplyThreads(r);

            int resolution = r.GetValue(size);
            var channelTable = r.GetValue(channels) ?? StyleGan2Defaults.Channels(2, resolution).ToDictionary(p => p.Key, p => Math.Max(16, p.Value / 4));
            var taps = StyleGan2Defaults.BlurTaps;
            var gConfig = new GeneratorConfig(resolution, r.GetValue(style), r.GetValue(mapping), channelTable, StyleGan2Defaults.MappingLrMul, taps);
            var dConfig = new DiscriminatorConfig(resolution, channelTable, taps);
            var options = new StyleGan2TrainingOptions
            {
                Batch = r.GetValue(loop.Batch),
                GradientAccumulation = r.GetValue(accumulate),
                Device = r.GetRequiredValue(loop.Device),
                Steps = r.GetValue(loop.Steps),
                LearningRate = r.GetValue(loop.LearningRate),
                Seed = (int)r.GetValue(loop.Seed),
                CheckpointEvery = r.GetValue(loop.CheckpointEvery),
                SampleEvery = r.GetValue(loop.SampleEvery),
                LogEvery = r.GetValue(loop.LogEvery),
            };
            return TrainGan(r.GetRequiredValue(loop.Data), r.GetRequiredValue(loop.Run), resolution, gConfig, dConfig, options);
        });
        return command;
    }

    private static int TrainGan(string dataDir, string runDir, int size, GeneratorConfig gConfig, DiscriminatorConfig dConfig, StyleGan2TrainingOptions options)
    {
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

    private static Command ProjectorCommand()
    {
        var loop = new TrainingLoopOptions(defaultSteps: 20_000, defaultLearningRate: 1e-3, "libtorch CPU threads (default: libtorch's choice)");
        var generator = SampleOptions.Text("--generator", "FILE", "frozen generator checkpoint (a gan run's checkpoint.safetensors, a rosinality .pt, ...)", required: true);
        var space = SampleOptions.Choice("--space", "latent space the projector predicts", "wplus", "z", "w", "wplus");
        var hidden = SampleOptions.Int("--hidden", "N", "projector MLP width", 512, min: 1);
        var depth = SampleOptions.Int("--depth", "N", "projector MLP hidden layers", 2, min: 1);
        var noise = SampleOptions.Int("--noise", "N", "projector noise inputs (0: deterministic)", 0, min: 0);
        var perceptual = SampleOptions.Parsed("--perceptual", "SPEC", "perceptual loss: vgg16:FILE (torchvision vgg16-397923af.pth) or resnet18 (ML.NET's ImageNet ResNet-18, offline); images are resized to 224, or SIZE with vgg16:FILE:SIZE / resnet18:SIZE (default: none)", "vgg16:FILE[:SIZE] or resnet18[:SIZE] with SIZE a positive integer", PerceptualSpec);
        var perceptualWeight = SampleOptions.Double("--perceptual-weight", "X", "weight of the perceptual loss", 1.0, min: 0);
        var adversarial = SampleOptions.Double("--adversarial", "X", "weight of the text-conditioned (projection) discriminator term; 0: off", 0.0, min: 0);
        var critic = SampleOptions.Text("--attribute-critic", "FILE", "a frozen attribute classifier (T2F.Evaluate train-attributes; not the one you evaluate with) for the attribute term: BCE between its logits on the generated face and the dataset's attributes (list_attr_celeba.txt)");
        var attributeWeight = SampleOptions.Double("--attribute-weight", "X", "weight of the attribute term (needs --attribute-critic)", 1.0, min: 0);
        var attributeStart = SampleOptions.Int("--attribute-start", "N", "first step of the attribute term (needs --attribute-critic)", 0, min: 0);
        var attributeBalance = SampleOptions.Double("--attribute-balance", "B", "class balance of the attribute term in [0, 1]: a stated attribute's presence weighs ((1 - p) / p)^B times its absence, p its frequency in the data (0: all labels alike; needs --attribute-critic)", 0.0, min: 0, max: 1);
        var attributeAugment = new Option<bool>("--attribute-augment") { Description = "the attribute critic sees each generated face flipped, shifted by up to R/16 pixels and with pixel noise (new draws each step), so the projector cannot satisfy it with patterns that are not the attribute (needs --attribute-critic)" };
        var command = new Command("projector", "Trains the paper's text-to-latent projector: frozen all-MiniLM-L6-v2 text encoder, frozen generator, pixel L1 plus optional perceptual, adversarial and attribute terms.");
        loop.AddTo(command);
        foreach (var option in new Option[] { generator, space, hidden, depth, noise, perceptual, perceptualWeight, adversarial, critic, attributeWeight, attributeStart, attributeBalance, attributeAugment })
        {
            command.Options.Add(option);
        }

        command.SetAction(r =>
        {
            string? criticPath = r.GetValue(critic);
            if (criticPath is null && (SampleCommandLine.IsGiven(r, attributeWeight) || SampleCommandLine.IsGiven(r, attributeStart) || SampleCommandLine.IsGiven(r, attributeBalance) || SampleCommandLine.IsGiven(r, attributeAugment)))
            {
                throw new UsageException("--attribute-weight, --attribute-start, --attribute-balance and --attribute-augment need --attribute-critic FILE.");
            }

            // Until 2026-12-02 this verb ignored --threads (libtorch's default: one thread per core); the recipe's
            // projector steps before then ran with 2 threads on the 2-core machine whatever T2F_TRAIN_THREADS said.
            loop.ApplyThreads(r);

            var latentSpace = r.GetValue(space) switch
            {
                "z" => T2F.Core.Projection.LatentSpace.Z,
                "w" => T2F.Core.Projection.LatentSpace.W,
                _ => T2F.Core.Projection.LatentSpace.WPlus,
            };
            var options = new ProjectorTrainingOptions
            {
                Batch = r.GetValue(loop.Batch),
                Steps = r.GetValue(loop.Steps),
                LearningRate = r.GetValue(loop.LearningRate),
                Seed = (int)r.GetValue(loop.Seed),
                CheckpointEvery = r.GetValue(loop.CheckpointEvery),
                SampleEvery = r.GetValue(loop.SampleEvery),
                LogEvery = r.GetValue(loop.LogEvery),
                Device = r.GetRequiredValue(loop.Device),
                PerceptualWeight = r.GetValue(perceptualWeight),
                AdversarialWeight = r.GetValue(adversarial),
                AttributeWeight = criticPath is null ? 0.0 : r.GetValue(attributeWeight),
                AttributeStartStep = r.GetValue(attributeStart),
                AttributeBalance = r.GetValue(attributeBalance), // 0 unless given, and given only with a critic (checked above)
                AttributeAugment = r.GetValue(attributeAugment),
            };
            return TrainProjector(r.GetRequiredValue(loop.Data), r.GetRequiredValue(loop.Run), r.GetRequiredValue(generator), latentSpace,
                r.GetValue(hidden), r.GetValue(depth), r.GetValue(noise), r.GetValue(perceptual), criticPath, options);
        });
        return command;
    }

    private static int TrainProjector(string dataDir, string runDir, string generatorPath, T2F.Core.Projection.LatentSpace space, int hidden, int depth, int noise,
        string? perceptualSpec, string? criticPath, ProjectorTrainingOptions options)
    {
        try
        {
            using var generator = StyleGan2Model.Load(generatorPath);
            using var encoder = T2F.Models.MiniLM.MiniLM.LoadEncoder();
            var config = new T2F.Core.Projection.LatentProjectorConfig(encoder.EmbeddingSize, generator.StyleSize, generator.LatentCount, space, hidden, depth, noise);
            using var meanW = generator.MeanLatent();
            using var projector = new T2F.Core.Projection.MlpLatentProjector(config, meanW);
            var dataset = FaceImageDataset.Open(dataDir, new FaceDatasetOptions { Resolution = generator.Resolution });
            using var critic = criticPath is not null ? T2F.Core.Metrics.Attributes.AttributeClassifier.Load(criticPath) : null;
            if (critic is not null)
            {
                Console.WriteLine($"Attribute term: {critic.Name}, weight {options.AttributeWeight.ToString(CultureInfo.InvariantCulture)} from step {options.AttributeStartStep}, class balance {options.AttributeBalance.ToString(CultureInfo.InvariantCulture)}, augmented critic input {(options.AttributeAugment ? "on" : "off")}.");
            }

            using var perceptual = perceptualSpec is not null ? CreatePerceptual(perceptualSpec) : null;
            if (perceptual is not null)
            {
                Console.WriteLine($"Perceptual loss: {perceptual.Name}, weight {options.PerceptualWeight.ToString(CultureInfo.InvariantCulture)}.");
            }

            // The adversarial term's discriminator mirrors this generator's widths (as it always has in this sample).
            var g = generator.Generator.Config;
            options = options with { AdversarialDiscriminator = new DiscriminatorConfig(g.Size, g.Channels, g.BlurTaps) };
            using var trainer = new ProjectorTrainer(projector, generator, encoder, new FaceDatasetProjectorSource(dataset, options.Seed), runDir, options, perceptual, critic);
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

    private static Command BundleCommand()
    {
        var generator = SampleOptions.Text("--generator", "FILE", "the generator checkpoint the projector was trained with", required: true);
        var projectorRun = SampleOptions.Text("--projector-run", "DIR", "the projector's run folder (its checkpoint.safetensors)", required: true);
        var output = SampleOptions.Text("--out", "DIR", "the bundle folder to write (model.json, projector.safetensors, generator.safetensors)", required: true);
        var command = new Command("bundle", "Packs a generator and a trained projector, with all-MiniLM-L6-v2 as the text encoder, into a model bundle for T2F.TextToFace --model.")
        {
            generator, projectorRun, output,
        };
        command.SetAction(r => MakeBundle(r.GetRequiredValue(generator), r.GetRequiredValue(projectorRun), r.GetRequiredValue(output)));
        return command;
    }

    /// <summary>Packs a generator and a trained projector (with MiniLM as the text encoder) into a model bundle.</summary>
    private static int MakeBundle(string generatorPath, string runDir, string outDir)
    {
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

    // --channels 4:256,8:256,16:128: each resolution >= 4 once, each channel count >= 1; null when it is not that.
    private static Dictionary<int, int>? ParseChannels(string spec)
    {
        var table = new Dictionary<int, int>();
        foreach (string part in spec.Split(','))
        {
            if (part.Split(':') is not [var r, var c]
                || !int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out int resolution) || resolution < 4
                || !int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) || count < 1
                || !table.TryAdd(resolution, count))
            {
                return null;
            }
        }

        return table;
    }

    // The forms CreatePerceptual reads (vgg16:FILE[:SIZE], resnet18[:SIZE]), checked before anything is loaded; the
    // file itself is read when training starts (a missing one exits 1, as a missing --data does).
    private static string? PerceptualSpec(string spec)
    {
        static bool IsSize(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size > 0;
        if (spec == "resnet18" || (spec.StartsWith("resnet18:", StringComparison.Ordinal) && IsSize(spec[9..])))
        {
            return spec;
        }

        if (spec.StartsWith("vgg16:", StringComparison.Ordinal) && spec.Length > 6)
        {
            string rest = spec[6..];
            int colon = rest.LastIndexOf(':');
            bool sized = colon > 0 && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
            return !sized || IsSize(rest[(colon + 1)..]) ? spec : null;
        }

        return null;
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
