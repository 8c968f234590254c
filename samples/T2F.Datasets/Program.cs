// Face data tools: render a SynthFaces data set in CelebA layout, draw a contact sheet of any CelebA-layout folder.
//
//   dotnet run --project samples/T2F.Datasets -c Release -- render --count N --size S --seed K --out DIR
//   dotnet run --project samples/T2F.Datasets -c Release -- sheet --data DIR --out sheet.png
using System.CommandLine;
using SkiaSharp;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Samples.Shared;

namespace T2F.Samples.Data;

public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            // An ArgumentException of the writer is a usage error too (options it rejects).
            return SampleCommandLine.Invoke(CreateCommand(), args, e => e is ArgumentException);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    // Verbs, options, defaults and bounds as README, training/synthfaces64.sh and docs/default-model.md use them.
    private static RootCommand CreateCommand()
    {
        var root = SampleCommandLine.CreateRoot("T2F.Datasets", "Face data tools: render a SynthFaces data set in CelebA layout, draw a contact sheet of any CelebA-layout folder.");
        root.Subcommands.Add(RenderCommand());
        root.Subcommands.Add(SheetCommand());
        return root;
    }

    private static Command RenderCommand()
    {
        var output = SampleOptions.Text("--out", "DIR", "the data set folder to write", required: true);
        var count = SampleOptions.Int("--count", "N", "faces", 1000, min: 1);
        var size = SampleOptions.Int("--size", "S", "image size in pixels (S x S)", 64, min: SynthFaceRenderer.MinSize);
        var seed = SampleOptions.Seed("seed of the attributes, nuisance variables and captions: same seed, same bytes", min: long.MinValue);
        var captions = SampleOptions.Int("--captions", "C", "descriptions per image (caps.txt)", 5, min: 0);
        var threads = SampleOptions.Int("--threads", "T", "rendering threads; 0: all cores", 0, min: 0);
        var command = new Command("render", "Renders N SynthFaces into DIR in CelebA layout: img_align_celeba/*.png, list_attr_celeba.txt, list_eval_partition.txt, caps.txt, synthfaces.json.")
        {
            output, count, size, seed, captions, threads,
        };
        command.SetAction(r => Render(r.GetRequiredValue(output), new SynthFacesOptions
        {
            Count = r.GetValue(count),
            Size = r.GetValue(size),
            Seed = r.GetValue(seed),
            CaptionsPerImage = r.GetValue(captions),
            Threads = r.GetValue(threads),
        }));
        return command;
    }

    private static Command SheetCommand()
    {
        var data = SampleOptions.Text("--data", "DIR", "a CelebA-layout folder (CelebA, CelebA-HQ, SynthFaces)", required: true);
        var output = SampleOptions.Text("--out", "FILE.png", "the sheet to write", required: true);
        var count = SampleOptions.Int("--count", "N", "faces", 24, min: 1);
        var columns = SampleOptions.Int("--columns", "C", "faces per row", 6, min: 1);
        var cell = SampleOptions.Int("--cell", "PX", "face size in pixels", 128, min: 16);
        var first = SampleOptions.Int("--first", "I", "first row of the attribute list", 0, min: 0);
        var command = new Command("sheet", "Draws a grid of the first N faces of a CelebA-layout folder with each face's first caption (or its attributes) under it.")
        {
            data, output, count, columns, cell, first,
        };
        command.SetAction(r => Sheet(r.GetRequiredValue(data), r.GetRequiredValue(output), r.GetValue(count), r.GetValue(columns), r.GetValue(cell), r.GetValue(first)));
        return command;
    }

    private static int Render(string output, SynthFacesOptions options)
    {
        var result = SynthFacesWriter.Write(output, options, new Progress<int>(n => Console.Write($"\r  {n}/{options.Count}")));
        Console.WriteLine();
        Console.WriteLine($"Wrote {result.Count} faces of {options.Size}x{options.Size} to {result.Folder} in {result.Elapsed.TotalSeconds:F2} s: {result.ImagesPerSecond:F0} images/s ({(options.Threads > 0 ? options.Threads : Environment.ProcessorCount)} threads, PNG encoding and captions included).");
        return 0;
    }

    private static int Sheet(string data, string output, int count, int columns, int cell, int first)
    {
        var layout = CelebAFolderLayout.Detect(data);
        var rows = CelebAAttributeFile.Read(layout.AttributeFile).Skip(first).Take(count).ToList();
        var captions = layout.CaptionFile is not null ? CaptionFiles.ReadText2FaceGan(layout.CaptionFile)
            : layout.CaptionFolder is not null ? CaptionFiles.ReadTextFolder(layout.CaptionFolder)
            : new Dictionary<string, IReadOnlyList<string>>();

        using var typeface = ContactSheet.FindTypeface();
        var faces = rows.Select(r =>
        {
            string text = captions.TryGetValue(Path.GetFileNameWithoutExtension(r.FileName), out var list) && list.Count > 0 ? list[0] : r.Attributes.ToString().Replace('_', ' ');
            return (Path.Combine(layout.ImageFolder, r.FileName), text);
        }).ToList();
        ContactSheet.Write(output, faces, columns, cell, typeface);
        Console.WriteLine($"Wrote {output}: {faces.Count} faces from {layout.Root}{(typeface is null ? " (no font found: captions left out)" : string.Empty)}.");
        return 0;
    }
}
