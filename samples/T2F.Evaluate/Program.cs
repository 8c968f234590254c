// Evaluation from the command line.
//   dotnet run --project samples/T2F.Evaluate -c Release -- --data DIR --count 1000 --out runs/eval [--model generator.safetensors]
//   dotnet run --project samples/T2F.Evaluate -c Release -- train-attributes --out FILE [--count 6000 --val-count 1000 --epochs 6]
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
using T2F.Core.Training;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Models.SynthFacesAttributes;
using T2F.Models.FaceApi;
using T2F.Samples.Data;
using TorchSharp;
using static TorchSharp.torch;
using T2F.Samples.Shared;

namespace T2F.Samples.Evaluate;

public static class Program
{
    private const string Usage = """
        Usage: T2F.Evaluate --data DIR --count N --out OUTDIR [options]
               T2F.Evaluate train-attributes --out FILE [options]
          Evaluates a generator on the first N faces of a CelebA-layout folder (SynthFaces or CelebA; the test partition
          when the folder has one): writes OUTDIR/metrics.json, OUTDIR/report.md, OUTDIR/sheet.png, OUTDIR/generated/.
          --data DIR        dataset folder (CelebA layout)
          --count N         faces to evaluate (default 100)
          --out OUTDIR      output folder
          --model PATH      a text-to-face bundle folder (T2F.Train bundle): face i is generated from image i's first
                            description. Or a StyleGAN2 generator checkpoint (.safetensors or .pt): UNCONDITIONAL, face i is
                            generated from seed+i, not from description i. Without --model the generator is the
                            SynthFaces oracle: each description's attributes rendered by the SynthFaces renderer with
                            new nuisance variables (a reference point, not a learned model). --model default: the
                            embedded default text-to-face model (T2F.Models.SynthFaces).
          --size R          evaluation resolution without --model (default 64)
          --variation V     a text-to-face model's GenerationOptions.Variation in [0, 2] (default: the library's default)
          --holdout-from DIR  evaluate only faces whose attribute combination occurs nowhere in DIR's list_attr_celeba.txt
                            (the model's training set): descriptions held out by attribute combination
          --seed S          seed (default 0): same seed, same numbers
          --diversity K     faces per description for diversity (default 4), over the first min(N, 16) descriptions
          --classifier FILE attribute classifier (default: the one embedded in T2F.Core)
          --threads K       libtorch CPU threads
        train-attributes: renders SynthFaces (train seed 1, validation seed 2), trains the attribute classifier, prints the
          held-out per-attribute accuracy and writes the weights.
          --out FILE / --count N (6000) / --val-count N (1000) / --epochs N (6) / --batch N (64) / --lr X (0.002)
          --seed S (0) / --work DIR (render folder; default a temporary folder) / --threads K
          --train-data DIR  train on the first --count faces of this CelebA-layout folder instead of rendering seed 1
                            (e.g. a projector's training set, for a critic that is not the evaluation classifier)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        bool train = args[0] == "train-attributes";
        Dictionary<string, string> o;
        try
        {
            o = CommandLineOptions.Parse(train ? args[1..] : args);
            if (o.TryGetValue("threads", out var threads))
            {
                torch.set_num_threads(CommandLineOptions.Int(o, "threads", 1, 1));
            }

            return train ? TrainAttributes(o) : Evaluate(o);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception e) when (e is IOException or DataFormatException or FaceImageException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static int TrainAttributes(Dictionary<string, string> o)
    {
        CommandLineOptions.Allow(o, "out", "count", "val-count", "epochs", "batch", "lr", "seed", "work", "threads", "train-data");
        string output = Path.GetFullPath(CommandLineOptions.Required(o, "out"));
        int count = CommandLineOptions.Int(o, "count", 6000, 1), valCount = CommandLineOptions.Int(o, "val-count", 1000, 1);
        var options = new AttributeTrainingOptions
        {
            Epochs = CommandLineOptions.Int(o, "epochs", 6, 1),
            BatchSize = CommandLineOptions.Int(o, "batch", 64, 1),
            LearningRate = o.TryGetValue("lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : 0.002,
            Seed = CommandLineOptions.Int(o, "seed", 0, 0),
        };
        bool temporary = !o.TryGetValue("work", out var work);
        work = temporary ? Directory.CreateTempSubdirectory("t2f-attributes").FullName : Path.GetFullPath(work!);
        try
        {
            var clock = Stopwatch.StartNew();
            bool given = o.TryGetValue("train-data", out var trainData);
            if (given && !Directory.Exists(trainData))
            {
                throw new ArgumentException($"--train-data {trainData} is not a folder; give a CelebA-layout dataset folder (T2F.Data render --out DIR).");
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

    private static int Evaluate(Dictionary<string, string> o)
    {
        CommandLineOptions.Allow(o, "data", "count", "out", "model", "size", "seed", "diversity", "classifier", "threads", "variation", "holdout-from");
        if (o.ContainsKey("variation"))
        {
            variation = CommandLineOptions.Float(o, "variation", 0, 0, 2);
        }

        string data = CommandLineOptions.Required(o, "data");
        string outDir = Path.GetFullPath(CommandLineOptions.Required(o, "out"));
        int count = CommandLineOptions.Int(o, "count", 100, 2), k = CommandLineOptions.Int(o, "diversity", 4, 2);
        long seed = CommandLineOptions.Int(o, "seed", 0, 0);
        if (!Directory.Exists(data))
        {
            throw new DirectoryNotFoundException($"--data {data} does not exist.");
        }

        torch.manual_seed(seed);
        // --model: a text-to-face bundle folder (model.json: generates from each image's description), or an
        // unconditional StyleGAN2 checkpoint (a baseline: face i from seed + i).
        string? modelPath = o.GetValueOrDefault("model");
        bool isDefault = modelPath == "default";
        bool isBundle = isDefault || (modelPath is not null && File.Exists(Path.Combine(modelPath, "model.json")));
        if (modelPath is not null && !isBundle && Directory.Exists(modelPath))
        {
            throw new FileNotFoundException($"--model {modelPath} is a folder without model.json, so neither a text-to-face bundle (written by `T2F.Train bundle`) nor a generator checkpoint file; pass the bundle folder or a checkpoint file.", Path.Combine(modelPath, "model.json"));
        }

        using var pipeline = isDefault ? TextToFacePipeline.LoadDefault() : isBundle ? T2F.Models.MiniLM.MiniLM.LoadPipeline(modelPath!) : null;
        using var model = modelPath is not null && !isBundle ? StyleGan2Model.Load(modelPath) : null;
        int size = pipeline?.Resolution ?? model?.Resolution ?? CommandLineOptions.Int(o, "size", 64, 16);
        // --holdout-from TRAINING_DIR: only faces whose attribute combination never occurs in that training set.
        Func<CelebAAttributeRow, bool>? heldOut = null;
        string holdoutNote = string.Empty;
        if (o.TryGetValue("holdout-from", out var trainingDir))
        {
            var seen = CelebAAttributeFile.Read(Path.Combine(trainingDir, CelebAAttributeFile.FileName)).Select(r => r.Attributes.ToString()).ToHashSet(StringComparer.Ordinal);
            heldOut = row => !seen.Contains(row.Attributes.ToString());
            holdoutNote = $" whose attribute combination occurs nowhere in {trainingDir} ({seen.Count} combinations)";
            dataNote = holdoutNote;
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

        count = dataset.Count;
        string generatorName = pipeline is not null
            ? $"text-to-face {(isDefault ? "default model (T2F.Models.SynthFaces, embedded)" : $"bundle {Path.GetFileName(Path.GetFullPath(modelPath!).TrimEnd('/'))}")} (text encoder {pipeline.EncoderName}; face i generated from the first description of image i; variation {(variation ?? new T2F.Core.Pipeline.GenerationOptions().Variation).ToString(CultureInfo.InvariantCulture)})"
            : model is null
            ? $"SynthFaces oracle (renderer v{SynthFaceSampler.Version}: the described attributes rendered with new nuisance variables; not a learned model)"
            : $"StyleGAN2 {Path.GetFileName(modelPath)} (unconditional: face i from seed {seed}+i, not from its description)";
        Directory.CreateDirectory(Path.Combine(outDir, "generated"));
        using var identity = FaceApiModels.LoadIdentityFeatureExtractor();
        using var classifier = o.TryGetValue("classifier", out var classifierPath) ? AttributeClassifier.Load(classifierPath) : SynthFacesAttributeModels.LoadClassifier();
        Console.WriteLine($"Evaluating {count} faces of {Path.GetFullPath(data)}{holdoutNote} at {size}x{size}; generator: {generatorName}");

        const int batch = 16;
        var described = dataset.Records.Select(r => r.Attributes.Intersect(classifier.TrainedAttributes)).ToArray();
        var realFeatures = new List<Tensor>();
        var fakeFeatures = new List<Tensor>();
        var found = new List<AttributeSet>();
        var foundReal = new List<AttributeSet>();
        var groups = new List<Tensor>();
        int diversityGroups = Math.Min(count, 16);
        int totalSteps = ((count + batch - 1) / batch) + diversityGroups, step = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int start = 0; start < count; start += batch)
            {
                using var scope = torch.NewDisposeScope();
                int n = Math.Min(batch, count - start);
                var real = torch.stack(Enumerable.Range(start, n).Select(i => dataset.LoadImage(i)).ToArray());
                var fake = Generate(pipeline, model, dataset, Enumerable.Range(start, n).ToArray(), seed, 0, size);
                for (int i = 0; i < n; i++)
                {
                    ImageTensor.SavePng(fake[i], Path.Combine(outDir, "generated", SynthFacesWriter.ImageFileName(start + i)));
                }

                realFeatures.Add(identity.Extract(real).MoveToOuterDisposeScope());
                fakeFeatures.Add(identity.Extract(fake).MoveToOuterDisposeScope());
                found.AddRange(classifier.PredictSets(fake));
                foundReal.AddRange(classifier.PredictSets(real));
                Bar(++step, totalSteps, clock.Elapsed, "generate + features");
            }

            for (int g = 0; g < diversityGroups; g++)
            {
                using var scope = torch.NewDisposeScope();
                var faces = Generate(pipeline, model, dataset, Enumerable.Repeat(g, k).ToArray(), seed, 1, size, variant: true);
                groups.Add(identity.Extract(faces).MoveToOuterDisposeScope());
                Bar(++step, totalSteps, clock.Elapsed, "diversity");
            }

            Console.WriteLine();
            using var realAll = torch.cat(realFeatures, 0);
            using var fakeAll = torch.cat(fakeFeatures, 0);
            var similarity = FaceSimilarity.Compare(fakeAll, realAll, identity.Name);
            double frechet = Frechet(realAll, fakeAll);
            var attributes = AttributeAccuracy.Compute(found, described, classifier.TrainedAttributes, classifier.Name);
            var attributesReal = AttributeAccuracy.Compute(foundReal, described, classifier.TrainedAttributes, classifier.Name);
            double diversity = Diversity.MeanOverGroups(groups);
            WriteOutputs(outDir, dataset, generatorName, identity.Name, seed, size, k, diversityGroups, frechet, similarity, attributes, attributesReal, diversity);
            Console.WriteLine($"FD (identity) {frechet:F4}  similarity {similarity.MeanCosine:F4}  FSD {similarity.MeanDistance:F4}  attribute accuracy {attributes.Accuracy:P1}  diversity {diversity:F4}  ({clock.Elapsed.TotalSeconds:F0} s)");
            Console.WriteLine($"Wrote {Path.Combine(outDir, "metrics.json")}, report.md, sheet.png");
            return 0;
        }
        finally
        {
            foreach (var t in realFeatures.Concat(fakeFeatures).Concat(groups))
            {
                t.Dispose();
            }
        }
    }

    // Face i of a batch: the oracle renders its description's attributes with nuisance from (seed, stream, index); the
    // StyleGAN2 model draws it from seed + index (+ a large offset for the diversity variants).
    // --variation for a text-to-face model (null: GenerationOptions' default).
    private static float? variation;

    // What --holdout-from kept, for the report.
    private static string dataNote = string.Empty;

    private static Tensor Generate(T2F.Core.Pipeline.TextToFacePipeline? pipeline, StyleGan2Model? model, FaceImageDataset dataset, int[] indices, long seed, int stream, int size, bool variant = false)
    {
        if (pipeline is not null)
        {
            // One call per batch. The diversity variants are the faces of ONE description (FacesPerDescription = k): the
            // k-th face of every description shares its noise, so k copies of a description would be k equal faces.
            var descriptions = indices.Select(i => dataset[i].Captions.Count > 0 ? dataset[i].Captions[0] : FaceDescriber.Default.Describe(dataset[i].Attributes, seed)).ToArray();
            var options = new T2F.Core.Pipeline.GenerationOptions { Seed = seed + (variant ? 1_000_000L + indices[0] : indices[0]) + (stream * 7919L), Variation = variation ?? new T2F.Core.Pipeline.GenerationOptions().Variation };
            var faces = variant
                ? pipeline.Generate(descriptions[0], options with { FacesPerDescription = indices.Length })
                : pipeline.Generate(descriptions, options);
            try
            {
                return torch.stack(faces.Select(f => f.Image).ToArray()).clamp(-1, 1);
            }
            finally
            {
                foreach (var f in faces)
                {
                    f.Dispose();
                }
            }
        }

        if (model is not null)
        {
            var parts = indices.Select((index, j) => model.Generate(1, seed + (variant ? 1_000_000L + (index * 1000L) + j : index), 1f)).ToArray();
            return torch.cat(parts, 0).clamp(-1, 1);
        }

        var images = new Tensor[indices.Length];
        for (int j = 0; j < indices.Length; j++)
        {
            long nuisance = (seed * 7919) + (stream * 1_000_003L) + (variant ? (indices[j] * 1000L) + j : 0) + 17;
            var face = SynthFaceSampler.Sample(dataset[indices[j]].Attributes, nuisance, indices[j]);
            var rgb = SynthFaceRenderer.RenderRgb24(face, size);
            images[j] = torch.tensor(rgb, [size, size, 3]).permute(2, 0, 1).to(ScalarType.Float32).div(127.5).sub(1);
        }

        return torch.stack(images);
    }

    private static double Frechet(Tensor real, Tensor fake)
    {
        using var a = new FeatureStatisticsAccumulator((int)real.shape[1]);
        using var b = new FeatureStatisticsAccumulator((int)fake.shape[1]);
        a.Add(real);
        b.Add(fake);
        return FrechetDistance.Compute(a.ToStatistics(), b.ToStatistics());
    }

    private static void WriteOutputs(string outDir, FaceImageDataset dataset, string generatorName, string identityName, long seed, int size, int k, int groups,
        double frechet, PairedSimilarityResult similarity, AttributeAccuracyResult attributes, AttributeAccuracyResult attributesReal, double diversity)
    {
        static double? Finite(double v) => double.IsFinite(v) ? v : null;
        var metrics = new Dictionary<string, object?>
        {
            ["data"] = dataset.Layout.Root,
            ["count"] = similarity.Count,
            ["resolution"] = size,
            ["seed"] = seed,
            ["generator"] = generatorName,
            ["frechet_distance"] = frechet,
            ["frechet_distance_features"] = identityName + " (Inception FID needs pt_inception-2015-12-05-*.pth; not used here)",
            ["similarity"] = similarity.MeanCosine,
            ["similarity_centred"] = similarity.MeanCentredCosine,
            ["similarity_features"] = identityName,
            ["fsd"] = similarity.MeanDistance,
            ["fsd_features"] = identityName,
            ["attribute_accuracy"] = attributes.Accuracy,
            ["attribute_accuracy_stated_found"] = attributes.StatedAccuracy,
            ["attribute_accuracy_absent_not_found"] = attributes.AbsentAccuracy,
            ["attribute_accuracy_ground_truth"] = attributesReal.Accuracy,
            ["attribute_accuracy_features"] = attributes.ClassifierName,
            ["attribute_accuracy_per_attribute"] = attributes.PerAttribute.ToDictionary(e => e.Name, e => new Dictionary<string, object?>
            {
                ["stated"] = e.StatedCount,
                ["stated_found"] = Finite(e.StatedAccuracy),
                ["absent"] = e.AbsentCount,
                ["absent_not_found"] = Finite(e.AbsentAccuracy),
                ["accuracy"] = Finite(e.Accuracy),
            }),
            ["diversity"] = diversity,
            ["diversity_features"] = $"{identityName}, mean pairwise L2 over {k} faces per description, {groups} descriptions",
        };
        File.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# T2F evaluation\n\nData: `{dataset.Layout.Root}`, {similarity.Count} faces{dataNote} at {size}x{size}, seed {seed}.\n\nGenerator: {generatorName}.\n");
        report.AppendLine("| metric | value | measured with |\n|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Fréchet distance | {frechet:F4} | {identityName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| similarity (cosine) | {similarity.MeanCosine:F4} (centred {similarity.MeanCentredCosine:F4}) | {identityName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| FSD (mean L2) | {similarity.MeanDistance:F4} | {identityName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| attribute accuracy | {attributes.Accuracy:P1} (stated found {attributes.StatedAccuracy:P1}, absent not found {attributes.AbsentAccuracy:P1}); ground truth {attributesReal.Accuracy:P1} | {attributes.ClassifierName} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| diversity | {diversity:F4} | {identityName}, {k} faces x {groups} descriptions |");
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
