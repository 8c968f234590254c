// Text in, faces out: the embedded default model, or a model bundle (see `T2F.Train bundle`).
//   dotnet run --project samples/T2F.TextToFace -c Release -- --text "The woman has wavy blond hair and is smiling." --count 4 --out out/t2f
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Samples.Shared;

namespace T2F.Samples.TextToFace;

public static partial class Program
{
    public static int Main(string[] args) => SampleCommandLine.Invoke(CreateCommand(), args);

    // Options, defaults and bounds as the README and training/synthfaces64-figures.sh use them.
    private static RootCommand CreateCommand()
    {
        // Numbers as before System.CommandLine: "1e3" and "1,000" are 1000.
        const NumberStyles styles = NumberStyles.Float | NumberStyles.AllowThousands;
        var model = SampleOptions.Text("--model", "DIR", "a model bundle folder (model.json, projector.safetensors, generator.safetensors); default (or 'default'): the embedded default model (T2F.Models.SynthFaces, 64x64, trained on SynthFaces)");
        var texts = SampleOptions.Texts("--text", "TEXT", "a face description; repeat for several (one row of grid.png each)", required: true);
        var count = SampleOptions.Int("--count", "N", $"faces per description; N x the number of --text at most {TextToFacePipeline.MaxFacesPerCall}", 4, 1, TextToFacePipeline.MaxFacesPerCall, styles);
        var seed = SampleOptions.Seed("seed of the projector noise and the synthesis noise", max: MaxSeed, styles: styles);
        var truncation = SampleOptions.Float("--truncation", "PSI", "truncation psi, 1 = off", 1f, 0f, 1f, aboveMin: true);
        var variation = SampleOptions.OptionalFloat("--variation", "V", $"what the description leaves open (pose, skin tone, hair shape, background) varies between faces by V; 0: nearly one face per description (default {new GenerationOptions().Variation.ToString(CultureInfo.InvariantCulture)})", 0f, 2f);
        var output = SampleOptions.Text("--out", "DIR", "output folder: one PNG per face (faceDDD_NN.png), grid.png (a row per --text) and descriptions.txt", defaultValue: "out/t2f");
        var edit = SampleOptions.Text("--edit", "TEXT", "also render each face of the first --text changed towards TEXT: edit_NN_original.png, edit_NN_edited.png and edit_strip.png (originals over edits)");
        var strength = SampleOptions.Float("--strength", "X", "edit strength", 1f, float.NegativeInfinity, float.PositiveInfinity);
        var interpolate = SampleOptions.Text("--interpolate", "TEXT", "also render --frames faces from the first --text to TEXT: interpolation.png (a strip)");
        var frames = SampleOptions.Int("--frames", "N", "interpolation frames (the pipeline needs at least 2)", 8, int.MinValue, styles: styles);
        var mix = SampleOptions.Text("--mix", "TEXT", "also render faces with the first --text's coarse layers and TEXT's fine layers: mix_NN.png");
        var crossover = SampleOptions.Int("--crossover", "K", "first layer taken from --mix; 0 or less: half the generator's latents", -1, int.MinValue, styles: styles);
        var root = SampleCommandLine.CreateRoot("T2F.TextToFace", "Text in, faces out: the embedded default model, or a model bundle (T2F.Train bundle).",
            model, texts, count, seed, truncation, variation, output, edit, strength, interpolate, frames, mix, crossover);
        root.SetAction(r => Run(
            r.GetValue(model), r.GetRequiredValue(texts), r.GetValue(count), r.GetValue(seed), r.GetValue(truncation), r.GetValue(variation), r.GetRequiredValue(output),
            r.GetValue(edit), r.GetValue(strength), r.GetValue(interpolate), r.GetValue(frames), r.GetValue(mix), r.GetValue(crossover)));
        return root;
    }

    private static int Run(string? model, List<string> texts, int count, long seed, float truncation, float? variation, string output,
        string? edit, float strength, string? interpolate, int frames, string? mix, int crossover)
    {
        // Bounds before anything is loaded: one run renders at most MaxFacesPerCall faces (memory grows with the count).
        if ((long)count * texts.Count > TextToFacePipeline.MaxFacesPerCall)
        {
            throw new UsageException($"--count x the number of --text must be 1 to {TextToFacePipeline.MaxFacesPerCall}; got {count} x {texts.Count}. Render more faces with several runs and different --seed values.");
        }

        foreach (var text in texts.Concat(new[] { edit, interpolate, mix }).OfType<string>())
        {
            if (!text.Any(char.IsLetterOrDigit))
            {
                throw new UsageException($"the description '{Printable(text)}' has no letters or digits; describe the face in words, e.g. \"The man has black hair and a beard.\"");
            }
        }

        try
        {
            Directory.CreateDirectory(output);
            string probe = Path.Combine(output, $".t2f-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, Array.Empty<byte>());
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write to --out {output}: {e.Message} Choose a writable folder.");
            return 1;
        }

        try
        {
            // Locked for this run; the files an earlier run left (faces, strips, descriptions.txt) are removed first.
            using var claimed = OutputFolder.Claim(output, OwnFiles());
            // Without --model: the default model embedded in T2F.Models.SynthFaces (no file, no network).
            using var pipeline = model is null || model == "default" ? TextToFacePipeline.LoadDefault() : T2F.Models.MiniLM.MiniLM.LoadPipeline(model);
            var clock = Stopwatch.StartNew();
            var options = new GenerationOptions { FacesPerDescription = count, Seed = seed, Truncation = truncation, Variation = variation ?? new GenerationOptions().Variation };
            var faces = pipeline.Generate(texts, options);
            double ms = clock.Elapsed.TotalMilliseconds / faces.Count;
            Directory.CreateDirectory(output);
            using (var scope = TorchSharp.torch.NewDisposeScope())
            {
                // Every face in one picture: a row per description, a column per face.
                var grid = T2F.Core.Imaging.ImageTensor.Grid(TorchSharp.torch.stack(faces.Select(f => f.Image).ToArray()), count);
                T2F.Core.Imaging.ImageTensor.SavePng(grid, Path.Combine(output, "grid.png"));
            }

            var lines = new List<string>();
            for (int i = 0; i < faces.Count; i++)
            {
                using var face = faces[i];
                string file = Path.Combine(output, $"face{i / count:D3}_{face.Index:D2}.png");
                face.SavePng(file);
                lines.Add($"{Path.GetFileName(file)}\t{Printable(face.Description)}");
                Console.WriteLine($"  {file}: {Printable(face.Description)}");
            }

            string list = Path.Combine(output, "descriptions.txt");
            File.WriteAllLines(list + ".tmp", lines);
            File.Move(list + ".tmp", list, overwrite: true);
            Console.WriteLine($"{faces.Count} face(s) at {pipeline.Resolution}x{pipeline.Resolution}, {ms:F0} ms per face (text encoding included, loading excluded); all in {Path.Combine(output, "grid.png")}.");
            if (edit is not null)
            {
                var pairs = pipeline.Edit(texts[0], edit, options, strength);
                for (int i = 0; i < pairs.Count; i++)
                {
                    pairs[i].SavePng(Path.Combine(output, $"edit_{i / 2:D2}_{(i % 2 == 0 ? "original" : "edited")}.png"));
                }

                SaveStrip(pairs.Where((_, i) => i % 2 == 0).Concat(pairs.Where((_, i) => i % 2 == 1)).ToList(), count, Path.Combine(output, "edit_strip.png"));
                Console.WriteLine($"  edit: {texts[0]} -> {edit} (strength {strength}): {Path.Combine(output, "edit_strip.png")}");
            }

            if (interpolate is not null)
            {
                SaveStrip(pipeline.Interpolate(texts[0], interpolate, frames, options), frames, Path.Combine(output, "interpolation.png"));
                Console.WriteLine($"  interpolation: {texts[0]} -> {interpolate}, {frames} frames: {Path.Combine(output, "interpolation.png")}");
            }

            if (mix is not null)
            {
                int k = crossover > 0 ? crossover : pipeline.Generator.LatentCount / 2;
                var mixed = pipeline.Mix(texts[0], mix, k, options);
                for (int i = 0; i < mixed.Count; i++)
                {
                    using var face = mixed[i];
                    face.SavePng(Path.Combine(output, $"mix_{i:D2}.png"));
                }

                Console.WriteLine($"  mix: coarse from \"{texts[0]}\", layers {k}+ from \"{mix}\": {Path.Combine(output, "mix_00.png")} ...");
            }

            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or T2F.Core.Checkpoints.StateDictMismatchException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    [GeneratedRegex(@"^((face\d{3}_\d{2}|edit_\d{2}_(original|edited)|edit_strip|interpolation|grid|mix_\d{2})\.png|descriptions\.txt)$")]
    private static partial Regex OwnFiles();

    // Largest seed: the projector and noise generators take 47 bits.
    private const long MaxSeed = 0x7fffffffffff;

    // Control characters (tabs, newlines, escapes) would break the one-face-per-line descriptions.txt and the terminal.
    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    // One PNG: the faces in rows of `columns` (disposes them).
    private static void SaveStrip(IReadOnlyList<GeneratedFace> faces, int columns, string path)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var grid = T2F.Core.Imaging.ImageTensor.Grid(TorchSharp.torch.stack(faces.Select(f => f.Image).ToArray()), columns);
        T2F.Core.Imaging.ImageTensor.SavePng(grid, path);
        foreach (var face in faces)
        {
            face.Dispose();
        }
    }
}
