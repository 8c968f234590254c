// Face data tools: render a SynthFaces data set in CelebA layout, draw a contact sheet of any CelebA-layout folder.
//
//   dotnet run --project samples/T2F.Datasets -c Release -- render --count N --size S --seed K --out DIR
//   dotnet run --project samples/T2F.Datasets -c Release -- sheet --data DIR --out sheet.png
using System.Globalization;
using SkiaSharp;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Samples.Shared;

namespace T2F.Samples.Data;

public static class Program
{
    private const string Usage = """
        Usage: T2F.Datasets render --out DIR [--count N] [--size S] [--seed K] [--captions C] [--threads T]
               T2F.Datasets sheet --data DIR --out FILE.png [--count N] [--columns C] [--cell PX] [--first I]
          render     renders N SynthFaces (default 1000) of S x S pixels (default 64) into DIR in CelebA layout:
                     img_align_celeba/*.png, list_attr_celeba.txt, list_eval_partition.txt, caps.txt, synthfaces.json
            --captions  descriptions per image (default 5)   --threads  rendering threads (default: all cores)
          sheet      draws a grid of the first N faces (default 24) of a CelebA-layout folder (CelebA, CelebA-HQ,
                     SynthFaces) with each face's first caption (or its attributes) under it
            --columns  faces per row (default 6)   --cell  face size in pixels (default 128)   --first  first row of the attribute list (default 0)
        """;

    public static int Main(string[] args)
    {
        try
        {
            if (args.Length == 0 || args[0] is "--help" or "-h")
            {
                Console.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }

            var options = CommandLineOptions.Parse(args.AsSpan(1));
            return args[0] switch
            {
                "render" => Render(options),
                "sheet" => Sheet(options),
                _ => throw new ArgumentException($"unknown command {args[0]}; expected render or sheet."),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static int Render(Dictionary<string, string> o)
    {
        CommandLineOptions.Allow(o, "out", "count", "size", "seed", "captions", "threads");
        var options = new SynthFacesOptions
        {
            Count = CommandLineOptions.Int(o, "count", 1000, 1),
            Size = CommandLineOptions.Int(o, "size", 64, SynthFaceRenderer.MinSize),
            Seed = o.TryGetValue("seed", out var s) ? ParseLong(s, "--seed") : 0,
            CaptionsPerImage = CommandLineOptions.Int(o, "captions", 5, 0),
            Threads = CommandLineOptions.Int(o, "threads", 0, 0),
        };
        string output = CommandLineOptions.Required(o, "out");
        var result = SynthFacesWriter.Write(output, options, new Progress<int>(n => Console.Write($"\r  {n}/{options.Count}")));
        Console.WriteLine();
        Console.WriteLine($"Wrote {result.Count} faces of {options.Size}x{options.Size} to {result.Folder} in {result.Elapsed.TotalSeconds:F2} s: {result.ImagesPerSecond:F0} images/s ({(options.Threads > 0 ? options.Threads : Environment.ProcessorCount)} threads, PNG encoding and captions included).");
        return 0;
    }

    private static int Sheet(Dictionary<string, string> o)
    {
        CommandLineOptions.Allow(o, "data", "out", "count", "columns", "cell", "first");
        var layout = CelebAFolderLayout.Detect(CommandLineOptions.Required(o, "data"));
        string output = CommandLineOptions.Required(o, "out");
        int count = CommandLineOptions.Int(o, "count", 24, 1), columns = CommandLineOptions.Int(o, "columns", 6, 1), cell = CommandLineOptions.Int(o, "cell", 128, 16), first = CommandLineOptions.Int(o, "first", 0, 0);
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

    private static long ParseLong(string text, string name)
        => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw new ArgumentException($"{name} must be an integer; got {text}.");
}
