// Batch generation of a labelled synthetic face dataset on one machine, resumable shard by shard.
//   dotnet run --project samples/T2F.Batch -c Release -- local --synthfaces 1000 --seed 0 --out out/batch
//   dotnet run --project samples/T2F.Batch -c Release -- local --spec job.jsonl --seed 0 --out out/batch [--model DIR]
// Rerunning the same command continues where a killed or interrupted run stopped; Ctrl+C / SIGTERM stop after the
// current face and keep every committed shard.
using System.Globalization;
using System.Runtime.InteropServices;
using T2F.Core.Batch;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Samples.Shared;
using TorchSharp;

namespace T2F.Samples.Batch;

public static class Program
{
    private const string Usage = """
        Usage: T2F.Batch local (--spec FILE.jsonl | --synthfaces N) --out DIR [--seed S] [--model DIR] [--shard-size N]
                               [--per-description K] [--truncation T] [--variation V] [--threads N]
          --spec FILE       JSON Lines: {"id": "a1", "text": "...", "count": 4[, "attributes": "Male Smiling"]} per line
          --synthfaces N    N SynthFaces attribute sets sampled with --seed, each described once (labelled dataset)
          --per-description K   faces per sampled description (default 1)
          --out DIR         dataset folder (CelebA layout: img_align_celeba/, caps.txt, list_eval_partition.txt,
                            list_attr_celeba.txt when every item states its attributes; shards/ and t2f-batch.json)
          --seed S          job seed (default 0): face k of item id is a pure function of (model, seed, id, k)
          --model DIR       a model bundle folder (default: the embedded default model)
          --shard-size N    faces per shard, the unit of commit and resume (default 256)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        BatchJobSpec spec;
        string output;
        string? model;
        try
        {
            if (args[0] != "local")
            {
                throw new ArgumentException($"unknown verb '{args[0]}'; use 'local'.");
            }

            var o = CommandLineOptions.Parse(args.AsSpan(1));
            CommandLineOptions.Allow(o, "spec", "synthfaces", "per-description", "out", "seed", "model", "shard-size", "truncation", "variation", "threads");
            output = CommandLineOptions.Required(o, "out");
            model = o.GetValueOrDefault("model");
            long seed = CommandLineOptions.Int(o, "seed", 0, 0);
            if (o.ContainsKey("spec") == o.ContainsKey("synthfaces"))
            {
                throw new ArgumentException("give exactly one of --spec FILE.jsonl and --synthfaces N.");
            }

            spec = o.TryGetValue("spec", out var file)
                ? BatchJobSpec.ReadJsonl(file, seed)
                : BatchJobSpec.SampleSynthFaces(CommandLineOptions.Int(o, "synthfaces", 0, 1), seed, CommandLineOptions.Int(o, "per-description", 1, 1));
            spec = spec with
            {
                ShardSize = CommandLineOptions.Int(o, "shard-size", 256, 1),
                Truncation = CommandLineOptions.Float(o, "truncation", spec.Truncation, 0, 1),
                Variation = CommandLineOptions.Float(o, "variation", spec.Variation, 0, 2),
            };
            spec.Validate();
            if (o.ContainsKey("threads"))
            {
                torch.set_num_threads(CommandLineOptions.Int(o, "threads", 1, 1));
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        try
        {
            using var pipeline = model is null || model == "default" ? TextToFacePipeline.LoadDefault() : T2F.Models.MiniLM.MiniLM.LoadPipeline(model);
            Console.WriteLine($"{spec.TotalFaces} faces in {spec.ShardCount} shards of {spec.ShardSize} -> {Path.GetFullPath(output)}");
            var progress = new SynchronousProgress(p => Console.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{p.ShardsDone}/{p.Shards} shards] {p.FacesGenerated} faces this run, {p.FacesGenerated / Math.Max(1e-9, p.Elapsed.TotalSeconds):F1} faces/s, ETA {p.Remaining:hh\\:mm\\:ss}   ")));
            var result = BatchGenerator.Run(pipeline, spec, output, progress, stop.Token);
            Console.WriteLine();
            Console.WriteLine($"Done: {result.ShardsWritten} shards generated, {result.ShardsSkipped} already committed, {result.Faces} faces in {result.Folder} ({result.Elapsed.TotalSeconds:F1} s).");
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine();
            Console.Error.WriteLine("Stopped; every committed shard is kept. Rerun the same command to continue.");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private sealed class SynchronousProgress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
