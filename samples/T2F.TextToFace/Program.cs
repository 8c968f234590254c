// Text in, faces out: the embedded default model, or a model bundle (see `T2F.Train bundle`).
//   dotnet run --project samples/T2F.TextToFace -c Release -- --text "The woman has wavy blond hair and is smiling." --count 4 --out out/t2f
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Samples.Shared;

namespace T2F.Samples.TextToFace;

public static partial class Program
{
    private const string Usage = """
        Usage: T2F.TextToFace --text "description" [--text ...] [--model DIR] [--count N] [--seed S] [--truncation T] [--out DIR]
          --model       a model bundle folder (model.json, projector.safetensors, generator.safetensors);
                        default: the embedded default model (T2F.Models.SynthFaces, 64x64, trained on SynthFaces)
          --text        a face description; repeat for several
          --count       faces per description (default 4)
          --seed        seed (default 0)
          --truncation  psi in (0, 1] (default 1)
          --variation V what the description leaves open (pose, skin tone, hair shape, background) varies between
                        faces by V in [0, 2] (default 0.5; 0: nearly one face per description)
          --out         output folder (default out/t2f): one PNG per face, grid.png (a row per --text) and descriptions.txt
          --edit TEXT   also render each face of the (first) --text changed towards TEXT ("... now with eyeglasses"):
                        edit_NN_original.png, edit_NN_edited.png and edit_strip.png (originals over edits)
          --strength X  edit strength (default 1)
          --interpolate TEXT   also render --frames faces from the first --text to TEXT: interpolation.png (a strip)
          --frames N    interpolation frames (default 8)
          --mix TEXT    also render faces with the first --text's coarse layers and TEXT's fine layers: mix_NN.png
          --crossover K first layer taken from --mix (default: half the generator's latents)
        """;

    public static int Main(string[] args)
    {
        string? model = null, output = "out/t2f", edit = null, interpolate = null, mix = null;
        float strength = 1f;
        int frames = 8, crossover = -1;
        var texts = new List<string>();
        int count = 4;
        long seed = 0;
        float truncation = 1f;
        float? variation = null;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--model": model = Next(); break;
                    case "--text": texts.Add(Next()); break;
                    case "--count": count = Number<int>(Next(), "--count"); break;
                    case "--seed": seed = Number<long>(Next(), "--seed"); break;
                    case "--truncation": truncation = Number<float>(Next(), "--truncation"); break;
                    case "--variation": variation = Number<float>(Next(), "--variation"); break;
                    case "--out": output = Next(); break;
                    case "--edit": edit = Next(); break;
                    case "--strength": strength = Number<float>(Next(), "--strength"); break;
                    case "--interpolate": interpolate = Next(); break;
                    case "--frames": frames = Number<int>(Next(), "--frames"); break;
                    case "--mix": mix = Next(); break;
                    case "--crossover": crossover = Number<int>(Next(), "--crossover"); break;
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    default: throw new ArgumentException($"unknown argument {args[i]}.");
                }
            }

            if (texts.Count == 0)
            {
                throw new ArgumentException("at least one --text is required, e.g. --text \"The woman has wavy blond hair and is smiling.\"");
            }

            // Bounds before anything is loaded: one run renders at most MaxFacesPerCall faces (memory grows with the count).
            if (count < 1 || (long)count * texts.Count > TextToFacePipeline.MaxFacesPerCall)
            {
                throw new ArgumentException($"--count x the number of --text must be 1 to {TextToFacePipeline.MaxFacesPerCall}; got {count} x {texts.Count}. Render more faces with several runs and different --seed values.");
            }

            if (seed < 0 || seed > MaxSeed)
            {
                throw new ArgumentException($"--seed must be in [0, {MaxSeed}]; got {seed}.");
            }

            if (!(truncation > 0f && truncation <= 1f))
            {
                throw new ArgumentException($"--truncation must be in (0, 1]; got {truncation}.");
            }

            if (variation is float v && !(v >= 0f && v <= 2f))
            {
                throw new ArgumentException($"--variation must be in [0, 2]; got {v}.");
            }

            foreach (var text in texts.Concat(new[] { edit, interpolate, mix }).OfType<string>())
            {
                if (!text.Any(char.IsLetterOrDigit))
                {
                    throw new ArgumentException($"the description '{Printable(text)}' has no letters or digits; describe the face in words, e.g. \"The man has black hair and a beard.\"");
                }
            }

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
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
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

    // A number option; a malformed one names the option in the one-line error.
    private static T Number<T>(string text, string option)
        where T : System.Numerics.INumber<T>
        => T.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && (typeof(T) != typeof(float) || float.IsFinite(float.CreateChecked(value)))
            ? value
            : throw new ArgumentException($"{option} needs a number; got '{text}'.");

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
