// Renders random faces from a StyleGAN2 checkpoint in the rosinality/stylegan2-pytorch layout
// (train.py checkpoints, convert_weight.py output, flat state dicts, or our .safetensors).
//
//   dotnet run --project samples/T2F.StyleGan2 -c Release -- --checkpoint FILE --count N --seed S --truncation T --out DIR
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using T2F.Core.Generation;
using T2F.Core.Imaging;
using T2F.Samples.Shared;
using TorchSharp;

namespace T2F.Samples.StyleGan2;

public static partial class Program
{
    private const string Usage = """
        Usage: T2F.StyleGan2 --checkpoint FILE [--count N] [--seed S] [--truncation T] [--out DIR]
                             [--batch B] [--noise random|const] [--threads K]
          --checkpoint  rosinality .pt (train.py or convert_weight.py), flat state dict, or .safetensors
          --count       number of images (default 4)
          --seed        seed of z and of the noise (default 0); image i uses seed S + i
          --truncation  psi in (0, 1] (default 1 = off); uses latent_avg from the file, else the mean of 4096 mapped z
          --out         output folder (default ./out)
          --batch       images per forward pass (default 1)
          --noise       random (seeded) or const (the checkpoint's noise buffers) (default random)
          --threads     libtorch CPU threads (default: libtorch's choice)
        """;

    public static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        var load = Stopwatch.StartNew();
        StyleGan2Model model;
        try
        {
            model = StyleGan2Model.Load(options.Checkpoint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or T2F.Core.Checkpoints.StateDictMismatchException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }

        using (model)
        {
            var c = model.Generator.Config;
            Console.WriteLine($"Loaded {options.Checkpoint} in {load.Elapsed.TotalSeconds:F2} s: {c.Size}x{c.Size}, style {c.StyleDim}, {c.MappingLayers} mapping layers, {c.LatentCount} latents, channels {string.Join("/", c.Channels.Where(p => p.Key <= c.Size).OrderBy(p => p.Key).Select(p => p.Value))}");
            if (options.Truncation < 1f)
            {
                Console.WriteLine(model.HasMeanLatent
                    ? $"Truncation psi {options.Truncation} around the checkpoint's latent_avg."
                    : $"Truncation psi {options.Truncation} around the mean of 4096 mapped z (the checkpoint has no latent_avg).");
                using var mean = model.MeanLatent();
            }

            OutputFolder output;
            try
            {
                // Locked for this run; seedNNNNNN.png files of an earlier run are removed, so the folder holds this run's.
                output = OutputFolder.Claim(options.OutputFolder, OwnFiles());
                EnsureWritable(options.OutputFolder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot write to --out {options.OutputFolder}: {e.Message} Choose a writable folder.");
                return 1;
            }

            using var claimed = output;

            var render = new Stopwatch();
            double firstBatchMs = 0;
            for (int start = 0; start < options.Count; start += options.Batch)
            {
                int n = Math.Min(options.Batch, options.Count - start);
                using var scope = torch.NewDisposeScope();
                var batchClock = Stopwatch.StartNew();
                render.Start();
                var z = torch.cat(Enumerable.Range(start, n).Select(i => model.SampleZ(1, options.Seed + i)).ToArray(), 0);
                var w = model.Map(z);
                var images = model.Synthesize(w, new SynthesisOptions
                {
                    Truncation = options.Truncation,
                    Noise = options.ConstantNoise ? NoiseMode.Constant : NoiseMode.Random,
                    Seed = options.Seed + start,
                });
                render.Stop();
                if (start == 0)
                {
                    firstBatchMs = batchClock.Elapsed.TotalMilliseconds;
                }

                for (int i = 0; i < n; i++)
                {
                    string file = Path.Combine(options.OutputFolder, $"seed{options.Seed + start + i:D6}.png");
                    ImageTensor.SavePng(images[i], file);
                    Console.WriteLine($"  {file}");
                }
            }

            Console.WriteLine($"Rendered {options.Count} image(s) in {render.Elapsed.TotalSeconds:F2} s: {render.Elapsed.TotalMilliseconds / options.Count:F0} ms per image (batch {options.Batch}, {torch.get_num_threads()} threads, excluding loading and PNG encoding).");
            int firstBatch = Math.Min(options.Batch, options.Count);
            if (options.Count > firstBatch)
            {
                // The first batch carries the one-time costs (the convolution self-check, libtorch's kernel selection,
                // first page faults); the rest is what a long-running service sees per image.
                Console.WriteLine($"  first batch {firstBatchMs / firstBatch:F0} ms per image (one-time set-up included), then {(render.Elapsed.TotalMilliseconds - firstBatchMs) / (options.Count - firstBatch):F0} ms per image.");
            }
        }

        return 0;
    }

    [GeneratedRegex(@"^seed\d{6,}\.png$")]
    private static partial Regex OwnFiles();

    // Fails before any rendering when the output folder is not writable (read-only, or a file in the way).
    private static void EnsureWritable(string folder)
    {
        string probe = Path.Combine(folder, $".t2f-write-test-{Environment.ProcessId}");
        File.WriteAllBytes(probe, Array.Empty<byte>());
        File.Delete(probe);
    }

    // Image i uses seed S + i and its file name prints the seed: keep S + count far from long.MaxValue.
    private const long MaxSeed = 1L << 53;

    private sealed record Options(string Checkpoint, int Count, long Seed, float Truncation, string OutputFolder, int Batch, bool ConstantNoise, int Threads, bool Help)
    {
        public static Options Parse(string[] args)
        {
            string? checkpoint = null, output = "out";
            int count = 4, batch = 1, threads = 0;
            long seed = 0;
            float truncation = 1f;
            bool constant = false, help = false;
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--checkpoint": checkpoint = Next(); break;
                    case "--count": count = ParseInt(Next(), "--count", 1); break;
                    case "--seed":
                        string seedText = Next();
                        if (!long.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed) || seed < 0 || seed > MaxSeed)
                        {
                            throw new ArgumentException($"--seed must be an integer in [0, {MaxSeed}]; got '{seedText}'.");
                        }

                        break;
                    case "--truncation":
                        string psiText = Next();
                        if (!float.TryParse(psiText, NumberStyles.Float, CultureInfo.InvariantCulture, out truncation))
                        {
                            throw new ArgumentException($"--truncation must be a number in (0, 1]; got '{psiText}'.");
                        }

                        if (!(truncation > 0f && truncation <= 1f))
                        {
                            throw new ArgumentException("--truncation must be in (0, 1].");
                        }

                        break;
                    case "--out": output = Next(); break;
                    case "--batch": batch = ParseInt(Next(), "--batch", 1); break;
                    case "--threads": threads = ParseInt(Next(), "--threads", 1); break;
                    case "--noise":
                        string mode = Next();
                        constant = mode switch { "const" => true, "random" => false, _ => throw new ArgumentException($"--noise must be random or const, not {mode}.") };
                        break;
                    case "--help" or "-h": help = true; break;
                    default: throw new ArgumentException($"unknown argument {args[i]}.");
                }
            }

            if (!help && checkpoint is null)
            {
                throw new ArgumentException("--checkpoint FILE is required.");
            }

            return new Options(checkpoint ?? string.Empty, count, seed, truncation, output, batch, constant, threads, help);
        }

        private static int ParseInt(string text, string name, int min)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
            {
                throw new ArgumentException($"{name} must be an integer >= {min}; got {text}.");
            }

            return v;
        }
    }
}
