using SkiaSharp;

namespace T2F.Samples.Shared;

// Compiled into the samples that draw sheets (T2F.Datasets, T2F.Evaluate) rather than one sample referencing another;
// only those reference T2F.Data, which brings SkiaSharp, so it is not part of SampleCommandLine.props.

/// <summary>A grid of face images, each with a caption under it, written as one PNG.</summary>
internal static class ContactSheet
{
    private static readonly string[] FontFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/Library/Fonts/Arial.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "C:/Windows/Fonts/arial.ttf",
    ];

    /// <summary>A sans-serif typeface from the system, or null when none is found (captions are then left out).</summary>
    public static SKTypeface? FindTypeface()
    {
        var named = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.FromFamilyName("Arial");
        if (named is not null && named.GlyphCount > 0)
        {
            return named;
        }

        named?.Dispose();
        foreach (var file in FontFiles.Where(File.Exists))
        {
            var t = SKTypeface.FromFile(file);
            if (t is not null && t.GlyphCount > 0)
            {
                return t;
            }

            t?.Dispose();
        }

        return null;
    }

    /// <summary>Draws the sheet and writes it as PNG.</summary>
    /// <param name="path">Output file.</param>
    /// <param name="faces">Image file and caption of each face.</param>
    /// <param name="columns">Faces per row.</param>
    /// <param name="cell">Face size in pixels.</param>
    /// <param name="typeface">Caption font; null leaves captions out.</param>
    public static void Write(string path, IReadOnlyList<(string Image, string Caption)> faces, int columns, int cell, SKTypeface? typeface)
    {
        columns = Math.Min(columns, Math.Max(1, faces.Count));
        int rows = (faces.Count + columns - 1) / columns;
        float fontSize = Math.Max(8f, cell / 13.5f);
        using var font = typeface is null ? null : new SKFont(typeface, fontSize) { Subpixel = true, Edging = SKFontEdging.Antialias };
        int lines = typeface is null ? 0 : 8;
        int pad = 6, textHeight = (int)MathF.Ceiling(lines * fontSize * 1.2f) + (lines > 0 ? 4 : 0);
        int cellWidth = cell + pad, cellHeight = cell + textHeight + pad;
        using var surface = SKSurface.Create(new SKImageInfo((columns * cellWidth) + pad, (rows * cellHeight) + pad, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Cannot create the sheet surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = new SKColor(0x20, 0x20, 0x20), IsAntialias = true };
        var sampling = new SKSamplingOptions(SKCubicResampler.Mitchell);
        for (int i = 0; i < faces.Count; i++)
        {
            float x = pad + (i % columns * cellWidth), y = pad + (i / columns * cellHeight);
            using (var image = SKImage.FromEncodedData(faces[i].Image))
            {
                if (image is null)
                {
                    using var missing = new SKPaint { Color = SKColors.LightGray };
                    canvas.DrawRect(x, y, cell, cell, missing);
                }
                else
                {
                    canvas.DrawImage(image, new SKRect(x, y, x + cell, y + cell), sampling);
                }
            }

            if (font is not null)
            {
                float ty = y + cell + fontSize + 1f;
                foreach (var line in Wrap(faces[i].Caption, font, cell).Take(lines))
                {
                    canvas.DrawText(line, x, ty, SKTextAlign.Left, font, text);
                    ty += fontSize * 1.2f;
                }
            }
        }

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, data.ToArray());
    }

    private static IEnumerable<string> Wrap(string caption, SKFont font, float width)
    {
        var line = string.Empty;
        foreach (var word in caption.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(candidate) > width)
            {
                yield return line;
                line = word;
            }
            else
            {
                line = candidate;
            }
        }

        if (line.Length > 0)
        {
            yield return line;
        }
    }
}
