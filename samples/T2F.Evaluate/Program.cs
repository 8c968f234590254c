// Evaluation from the command line.
//   dotnet run --project samples/T2F.Evaluate -c Release -- --data DIR --count 1000 --out runs/eval [--model generator.safetensors]
//   dotnet run --project samples/T2F.Evaluate -c Release -- train-attributes --out FILE [--count 6000 --val-count 1000 --epochs 6]
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.Generation;
using T2F.Core.Imaging;
using T2F.Core.Metrics;
using T2F.Core.Metrics.Attributes;
using T2F.Core.Metrics.Evaluation;
using T2F.Core.Training;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Models.SynthFacesAttributes;
using T2F.Models.FaceApi;
using T2F.Samples.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Samples.Evaluate;

public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            // An ArgumentException of the evaluation is a usage error too (e.g. --data with fewer than 2 faces).
            return SampleCommandLine.Invoke(CreateCommand(), args, e => e is ArgumentException);
        }
        catch (Exception e) when (e is IOException or DataFormatException or FaceImageException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    // Options, defaults and bounds as README, training/synthfaces64.sh and docs/default-model.md use them.
    private static RootCommand CreateCommand()
    {
        var data = SampleOptions.Text("--data", "DIR", "dataset folder in CelebA layout (SynthFaces or CelebA; its test partition when it has one)", required: true);
        var count = SampleOptions.Int("--count", "N", "faces to evaluate: the first N", 100, min: 2);
        var output = SampleOptions.Text("--out", "OUTDIR", "output folder: metrics.json, report.md, sheet.png, generated/", required: true);
        var model = SampleOptions.Text("--model", "PATH", "a text-to-face bundle folder (T2F.Train bundle; 'default': the embedded default model): face i is generated from image i's first description. Or a StyleGAN2 generator checkpoint (.safetensors or .pt): UNCONDITIONAL, face i from seed+i. Without --model: the SynthFaces oracle, each description's attributes rendered with new nuisance variables (a reference point, not a learned model)");
        var size = SampleOptions.Int("--size", "R", "evaluation resolution without --model (a model's is its own)", 64, min: 16);
        var variation = SampleOptions.OptionalFloat("--variation", "V", $"a text-to-face model's GenerationOptions.Variation (default {new GenerationOptions().Variation.ToString(CultureInfo.InvariantCulture)})", 0f, 2f);
        var holdoutFrom = SampleOptions.Text("--holdout-from", "DIR", "evaluate only faces whose attribute combination occurs nowhere in DIR's list_attr_celeba.txt (the model's training set): descriptions held out by attribute combination");
        var seed = SampleOptions.Seed("seed: same seed, same numbers", max: int.MaxValue);
        var diversity = SampleOptions.Int("--diversity", "K", "faces per description for diversity, over the first min(N, 16) descriptions", 4, min: 2);
        var classifier = SampleOptions.Text("--classifier", "FILE", "attribute classifier (default: the one embedded in T2F.Metrics)");
        var threads = SampleOptions.Threads("libtorch CPU threads (default: libtorch's choice)");
        var root = SampleCommandLine.CreateRoot("T2F.Evaluate", "Evaluates a generator on the first N faces of a CelebA-layout folder: Fréchet distance, similarity, FSD, attribute accuracy and diversity, written to OUTDIR/metrics.json, report.md, sheet.png and generated/.",
            data, count, output, model, size, variation, holdoutFrom, seed, diversity, classifier, threads);
        root.SetAction(r =>
        {
            SetThreads(r.GetValue(threads));
            return Evaluate(r.GetRequiredValue(data), Path.GetFullPath(r.GetRequiredValue(output)), r.GetValue(count), r.GetValue(diversity), r.GetValue(seed), r.GetValue(variation),
                r.GetValue(model), r.GetValue(size), r.GetValue(holdoutFrom), r.GetValue(classifier));
        });
        root.Subcommands.Add(TrainAttributesCommand());
        SampleCommandLine.AddHelpVerb(root);
        return root;
    }

    private static Command TrainAttributesCommand()
    {
        var output = SampleOptions.Text("--out", "FILE", "the classifier weights to write (.safetensors)", required: true);
        var count = SampleOptions.Int("--count", "N", "training faces", 6000, min: 1);
        var valCount = SampleOptions.Int("--val-count", "N", "validation faces (SynthFaces seed 2)", 1000, min: 1);
        var epochs = SampleOptions.Int("--epochs", "N", "epochs", 6, min: 1);
        var batch = SampleOptions.Int("--batch", "N", "images per step", 64, min: 1);
        var lr = SampleOptions.Double("--lr", "X", "learning rate", 0.002, min: 0);
        var seed = SampleOptions.Seed("seed of initialisation and batch order", max: int.MaxValue);
        var work = SampleOptions.Text("--work", "DIR", "render folder (default: a temporary folder, deleted at the end)");
        var threads = SampleOptions.Threads("libtorch CPU threads (default: libtorch's choice)");
        var trainData = SampleOptions.Text("--train-data", "DIR", "train on the first --count faces of this CelebA-layout folder instead of rendering seed 1 (e.g. a projector's training set, for a critic that is not the evaluation classifier)");
        var command = new Command("train-attributes", "Renders SynthFaces (train seed 1, validation seed 2), trains the attribute classifier, prints the held-out per-attribute accuracy and writes the weights.")
        {
            output, count, valCount, epochs, batch, lr, seed, work, threads, trainData,
        };
        command.SetAction(r =>
        {
            SetThreads(r.GetValue(threads));
            var options = new AttributeTrainingOptions
            {
                Epochs = r.GetValue(epochs),
                BatchSize = r.GetValue(batch),
                LearningRate = r.GetValue(lr),
                Seed = (int)r.GetValue(seed),
            };
            return TrainAttributes(Path.GetFullPath(r.GetRequiredValue(output)), r.GetValue(count), r.GetValue(valCount), options, r.GetValue(work), r.GetValue(trainData));
        });
        return command;
    }

    private static void SetThreads(int? threads)
    {
        if (threads is int k)
        {
            torch.set_num_threads(k);
        }
    }

    private static int TrainAttributes(string output, int count, int valCount, AttributeTrainingOptions options, string? work, string? trainData)
    {
        bool temporary = work is null;
        work = temporary ? Directory.CreateTempSubdirectory("t2f-attributes").FullName : Path.GetFullPath(work!);
        try
        {
            var clock = Stopwatch.StartNew();
            bool given = trainData is not null;
            if (given && !Directory.Exists(trainData))
            {
                throw new ArgumentException($"--train-data {trainData} is not a folder; give a CelebA-layout dataset folder (T2F.Datasets render --out DIR).");
            }

            var trainSet = given
                ? FaceImageDataset.Open(trainData!, new FaceDatasetOptions { Resolution = AttributeClassifier.InputSize, Limit = count })
                : Render(Path.Combine(work, "train"), count, 1);
            string trainNote = given ? $"the first {trainSet.Count} faces of {Path.GetFileName(Path.GetFullPath(trainData!).TrimEnd('/'))}" : $"{count} faces seed 1";
            var valSet = Render(Path.Combine(work, "val"), valCount, 2);
            Console.WriteLine($"Training on {trainNote}; rendered {valCount} validation SynthFaces (seed 2) in {clock.Elapsed.TotalSeconds:F1} s.");
            torch.manual_seed(options.Seed);
            using var classifier = new AttributeClassifier(options.Seed);
            var (images, labels) = AttributeClassifierTrainer.LoadAll(trainSet);
            using (images)
            {
                var started = Stopwatch.StartNew();
                AttributeClassifierTrainer.Train(classifier, images, labels, options, new Progress(started));
                Console.WriteLine();
            }

            var (valImages, valLabels) = AttributeClassifierTrainer.LoadAll(valSet);
            AttributeAccuracyResult result;
            using (valImages)
            {
                result = AttributeAccuracy.Compute(classifier, valImages, valLabels);
            }

            string name = $"T2F attribute CNN (SynthFaces v{SynthFaceSampler.Version}, {trainNote}, {options.Epochs} epochs, seed {options.Seed})";
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            classifier.Save(output, name);
            Console.WriteLine($"Wrote {output} ({new FileInfo(output).Length / 1024} KiB) in {clock.Elapsed.TotalSeconds:F0} s.");
            Console.WriteLine($"Held-out accuracy on {valCount} SynthFaces (seed 2): overall {result.Accuracy:P1}, stated found {result.StatedAccuracy:P1}, absent not found {result.AbsentAccuracy:P1}, balanced {result.BalancedAccuracy:P1}");
            Console.WriteLine(AttributeTable(result));
            return 0;
        }
        finally
        {
            if (temporary)
            {
                Directory.Delete(work, true);
            }
        }
    }

    private static FaceImageDataset Render(string folder, int count, long seed)
    {
        SynthFacesWriter.Write(folder, new SynthFacesOptions { Count = count, Size = AttributeClassifier.InputSize, Seed = seed, CaptionsPerImage = 0 });
        return FaceImageDataset.Open(folder, new FaceDatasetOptions { Resolution = AttributeClassifier.InputSize });
    }

    private static int Evaluate(string data, string outDir, int count, int k, long seed, float? variation, string? modelPath, int evaluationSize, string? trainingDir, string? classifierPath)
    {
        if (!Directory.Exists(data))
        {
            throw new DirectoryNotFoundException($"--data {data} does not exist.");
        }

        // FaceEvaluator draws nothing from torch's global generator; seeding it still fixes whatever else does (a
        // model's random initialisation before its weights load), as before the protocol moved into T2F.Metrics.
        torch.manual_seed(seed);
        // --model: a text-to-face bundle folder (model.json: generates from each image's description), or an
        // unconditional StyleGAN2 checkpoint (a baseline: face i from seed + i).
        bool isDefault = modelPath == "default";
        bool isBundle = isDefault || (modelPath is not null && File.Exists(Path.Combine(modelPath, "model.json")));
        if (modelPath is not null && !isBundle && Directory.Exists(modelPath))
        {
            throw new FileNotFoundException($"--model {modelPath} is a folder without model.json, so neither a text-to-face bundle (written by `T2F.Train bundle`) nor a generator checkpoint file; pass the bundle folder or a checkpoint file.", Path.Combine(modelPath, "model.json"));
        }

        using var pipeline = isDefault ? TextToFacePipeline.LoadDefault() : isBundle ? T2F.Models.MiniLM.MiniLM.LoadPipeline(modelPath!) : null;
        using var model = modelPath is not null && !isBundle ? StyleGan2Model.Load(modelPath) : null;
        var source = pipeline is not null
            ? FaceSource.TextToFace(pipeline, isDefault ? "default model (T2F.Models.SynthFaces, embedded)" : $"bundle {Path.GetFileName(Path.GetFullPath(modelPath!).TrimEnd('/'))}")
            : model is not null ? FaceSource.Unconditional(model, Path.GetFileName(modelPath!)) : FaceSource.SynthFacesOracle();
        int size = source.Resolution ?? evaluationSize;
        // --holdout-from TRAINING_DIR: only faces whose attribute combination never occurs in that training set.
        Func<CelebAAttributeRow, bool>? heldOut = null;
        string holdoutNote = string.Empty;
        if (trainingDir is not null)
        {
            var seen = CelebAAttributeFile.Read(Path.Combine(trainingDir, CelebAAttributeFile.FileName)).Select(r => r.Attributes.ToString()).ToHashSet(StringComparer.Ordinal);
            heldOut = row => !seen.Contains(row.Attributes.ToString());
            holdoutNote = $" whose attribute combination occurs nowhere in {trainingDir} ({seen.Count} combinations)";
        }

        var dataset = FaceImageDataset.Open(data, new FaceDatasetOptions { Resolution = size, Partition = CelebAPartition.Test, Limit = count, Where = heldOut });
        if (dataset.Count < count)
        {
            dataset = FaceImageDataset.Open(data, new FaceDatasetOptions { Resolution = size, Limit = count, Where = heldOut });
        }

        if (dataset.Count < 2)
        {
            throw new ArgumentException($"--data {data} has fewer than 2 faces.");
        }

        var options = new FaceEvaluationOptions { Count = dataset.Count, DiversityFaces = k, Seed = seed, Variation = variation };
        Directory.CreateDirectory(Path.Combine(outDir, "generated"));
        using var identity = FaceApiModels.LoadIdentityFeatureExtractor();
        using var classifier = classifierPath is not null ? AttributeClassifier.Load(classifierPath) : SynthFacesAttributeModels.LoadClassifier();
        using var evaluator = new FaceEvaluator(identity, classifier);
        Console.WriteLine($"Evaluating {dataset.Count} faces of {Path.GetFullPath(data)}{holdoutNote} at {size}x{size}; generator: {source.Describe(options)}");

        var clock = Stopwatch.StartNew();
        var result = evaluator.Evaluate(source, dataset, options, new EvaluationBar(clock),
            (i, face) => ImageTensor.SavePng(face, Path.Combine(outDir, "generated", SynthFacesWriter.ImageFileName(i))));
        Console.WriteLine();
        WriteOutputs(outDir, dataset, result, holdoutNote);
        Console.WriteLine($"FD (identity) {result.FrechetDistance:F4}  similarity {result.Similarity.MeanCosine:F4}  FSD {result.Similarity.MeanDistance:F4}  attribute accuracy {result.Attributes.Accuracy:P1}  diversity {result.Diversity:F4}  ({clock.Elapsed.TotalSeconds:F0} s)");
        Console.WriteLine($"Wrote {Path.Combine(outDir, "metrics.json")}, report.md, sheet.png");
        return 0;
    }

    // metrics.json, report.md and sheet.png from one evaluation; holdoutNote says what --holdout-from kept.
    private static void WriteOutputs(string outDir, FaceImageDataset dataset, FaceEvaluationResult result, string holdoutNote)
    {
        static double? Finite(double v) => double.IsFinite(v) ? v : null;
        var (similarity, attributes, identityName) = (result.Similarity, result.Attributes, result.FeatureName);
        var metrics = new Dictionary<string, object?>
        {
            ["data"] = dataset.Layout.Root,
            ["count"] = result.Count,
            ["resolution"] = result.Resolution,
            ["seed"] = result.Seed,
            ["generator"] = result.Generator,
            ["frechet_distance"] = result.FrechetDistance,
            ["frechet_distance_features"] = identityName + " (Inception FID needs pt_inception-2015-12-05-*.pth; not used here)",
            ["similarity"] = similarity.MeanCosine,
            ["similarity_centred"] = similarity.MeanCentredCosine,
            ["similarity_features"] = identityName,
            ["fsd"] = similarity.MeanDistance,
            ["fsd_features"] = identityName,
            ["attribute_accuracy"] = attributes.Accuracy,
            ["attribute_accuracy_stated_found"] = attributes.StatedAccuracy,
            ["attribute_accuracy_absent_not_found"] = attributes.AbsentAccuracy,
            ["attribute_accuracy_ground_truth"] = result.GroundTruthAttributes.Accuracy,
            ["attribute_accuracy_features"] = attributes.ClassifierName,
            ["attribute_accuracy_per_attribute"] = attributes.PerAttribute.ToDictionary(e => e.Name, e => new Dictionary<string, object?>
            {
                ["stated"] = e.StatedCount,
                ["stated_found"] = Finite(e.StatedAccuracy),
                ["absent"] = e.AbsentCount,
                ["absent_not_found"] = Finite(e.AbsentAccuracy),
                ["accuracy"] = Finite(e.Accuracy),
            }),
            ["diversity"] = result.Diversity,
            ["diversity_features"] = $"{identityName}, mean pairwise L2 over {result.DiversityFaces} faces per description, {result.DiversityDescriptions} descriptions",
        };
        File.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));

        int size = result.Resolution;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# T2F evaluation\n\nData: `{dataset.Layout.Root}`, {result.Count} faces{holdoutNote} at {size}x{size}, seed {result.Seed}.\n\nGenerator: {result.Generator}.\n");
        report.AppendLine("| metric | value | measured with |\n|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Fréchet distance | {result.FrechetDistance:F4} | {identityName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| similarity (cosine) | {similarity.MeanCosine:F4} (centred {similarity.MeanCentredCosine:F4}) | {identityName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| FSD (mean L2) | {similarity.MeanDistance:F4} | {identityName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| attribute accuracy | {attributes.Accuracy:P1} (stated found {attributes.StatedAccuracy:P1}, absent not found {attributes.AbsentAccuracy:P1}); ground truth {result.GroundTruthAttributes.Accuracy:P1} | {attributes.ClassifierName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| diversity | {result.Diversity:F4} | {identityName}, {result.DiversityFaces} faces x {result.DiversityDescriptions} descriptions |");
        report.AppendLine("\n## Attribute accuracy per attribute\n");
        report.AppendLine(AttributeTable(attributes));
        report.AppendLine("![sheet](sheet.png)");
        File.WriteAllText(Path.Combine(outDir, "report.md"), report.ToString());

        var faces = new List<(string, string)>();
        for (int i = 0; i < Math.Min(8, dataset.Count); i++)
        {
            var r = dataset[i];
            string text = r.Captions.Count > 0 ? r.Captions[0] : r.Attributes.ToString().Replace('_', ' ');
            faces.Add((r.ImagePath, "truth: " + text));
            faces.Add((Path.Combine(outDir, "generated", SynthFacesWriter.ImageFileName(i)), "generated"));
        }

        using var typeface = ContactSheet.FindTypeface();
        ContactSheet.Write(Path.Combine(outDir, "sheet.png"), faces, 4, Math.Max(96, size), typeface);
    }

    private static string AttributeTable(AttributeAccuracyResult result)
    {
        var table = new StringBuilder("| attribute | stated | found | absent | not found | accuracy |\n|---|---:|---:|---:|---:|---:|\n");
        static string P(double v) => double.IsFinite(v) ? v.ToString("P1", CultureInfo.InvariantCulture) : "-";
        foreach (var e in result.PerAttribute)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {e.Name} | {e.StatedCount} | {P(e.StatedAccuracy)} | {e.AbsentCount} | {P(e.AbsentAccuracy)} | {P(e.Accuracy)} |");
        }

        table.Append(CultureInfo.InvariantCulture, $"| **all** | | {P(result.StatedAccuracy)} | | {P(result.AbsentAccuracy)} | {P(result.Accuracy)} |");
        return table.ToString();
    }

    private static void Bar(int step, int total, TimeSpan elapsed, string what)
    {
        const int width = 30;
        int filled = width * step / Math.Max(1, total);
        var eta = TimeSpan.FromSeconds(elapsed.TotalSeconds / step * (total - step));
        Console.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {step}/{total} {what} ETA {eta:hh\\:mm\\:ss}   ");
    }

    private sealed class EvaluationBar(Stopwatch clock) : IProgress<FaceEvaluationProgress>
    {
        public void Report(FaceEvaluationProgress p) => Bar(p.Step, p.Steps, clock.Elapsed, p.Stage);
    }

    private sealed class Progress(Stopwatch clock) : IProgress<AttributeTrainingProgress>
    {
        public void Report(AttributeTrainingProgress p)
        {
            if (p.Batch % 10 == 0 || p.Batch == p.BatchesPerEpoch)
            {
                Console.Write($"\repoch {p.Epoch + 1} batch {p.Batch}/{p.BatchesPerEpoch} loss {p.Loss:F4} ({clock.Elapsed.TotalSeconds:F0} s)   ");
            }
        }
    }

}
