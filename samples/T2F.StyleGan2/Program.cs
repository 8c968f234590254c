// Renders random faces from a StyleGAN2 checkpoint in the rosinality/stylegan2-pytorch layout
// (train.py checkpoints, convert_weight.py output, flat state dicts, or our .safetensors).
//
//   dotnet run --project samples/T2F.StyleGan2 -c Release -- --checkpoint FILE --count N --seed S --truncation T --out DIR
using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using T2F.Core.Generation;
using T2F.Core.Imaging;
using T2F.Samples.Shared;
using TorchSharp;

namespace T2F.Samples.StyleGan2;

public static partial class Program
{
    public static int Main(string[] args) => SampleCommandLine.Invoke(CreateCommand(), args);

    // Options, defaults and bounds as the README and docs/correct-on-every-cpu.md use them.
    private static RootCommand CreateCommand()
    {
        var checkpoint = SampleOptions.Text("--checkpoint", "FILE", "the generator: a rosinality .pt (train.py or convert_weight.py), a flat state dict, or .safetensors", required: true);
        var count = SampleOptions.Int("--count", "N", "number of images", 4, min: 1);
        var seed = SampleOptions.Seed("seed of z and of the noise; image i uses seed S + i", max: MaxSeed);
        var truncation = SampleOptions.Float("--truncation", "PSI", "truncation psi, 1 = off; around latent_avg from the file, else the mean of 4096 mapped z", 1f, 0f, 1f, aboveMin: true);
        var output = SampleOptions.Text("--out", "DIR", "output folder: seedNNNNNN.png per image (an earlier run's are replaced)", defaultValue: "out");
        var batch = SampleOptions.Int("--batch", "B", "images per forward pass", 1, min: 1);
        var noise = SampleOptions.Choice("--noise", "per-layer noise: random (seeded) or const (the checkpoint's noise buffers)", "random", "random", "const");
        var threads = SampleOptions.Threads("libtorch CPU threads (default: libtorch's choice)");
        var root = SampleCommandLine.CreateRoot("T2F.StyleGan2", "Renders random faces from a StyleGAN2 checkpoint in the rosinality/stylegan2-pytorch layout.",
            checkpoint, count, seed, truncation, output, batch, noise, threads);
        root.SetAction(r => Run(new Options(
            r.GetRequiredValue(checkpoint), r.GetValue(count), r.GetValue(seed), r.GetValue(truncation), r.GetRequiredValue(output),
            r.GetValue(batch), r.GetValue(noise) == "const", r.GetValue(threads) ?? 0)));
        return root;
    }

    private static int Run(Options options)
    {
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

    private sealed record Options(string Checkpoint, int Count, long Seed, float Truncation, string OutputFolder, int Batch, bool ConstantNoise, int Threads);
}
