using T2F.Core.IO;
using System.Text;

namespace T2F.Core.Data;

/// <summary>
/// Reads and writes the caption formats of the CelebA text-to-face literature. Results are keyed by the image's
/// file name without extension (<c>000001</c> for <c>000001.jpg</c>), so captions match images in any format.
/// </summary>
public static class CaptionFiles
{
    /// <summary>File name of the Text2FaceGAN format that SynthFaces writes.</summary>
    public const string Text2FaceGanFileName = "caps.txt";

    /// <summary>
    /// Reads a Text2FaceGAN <c>caps.txt</c>: one line per image, <c>file&lt;TAB&gt;caption|caption|...</c>.
    /// </summary>
    /// <param name="path">The file.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadText2FaceGan(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ParseText2FaceGan(reader, path);
    }

    /// <summary>Parses the Text2FaceGAN format (see <see cref="ReadText2FaceGan"/>).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseText2FaceGan(TextReader reader, string sourceName = Text2FaceGanFileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(reader);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        while (lines.NextNonEmpty(out string line, out int lineNumber))
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                throw new DataFormatException(sourceName, lineNumber, $"expected '<image file><TAB><caption>|<caption>...', found no tab: '{CelebAAttributeFile.Clip(line)}'.");
            }

            string key = Path.GetFileNameWithoutExtension(line[..tab].Trim());
            var captions = line[(tab + 1)..].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (captions.Length == 0)
            {
                throw new DataFormatException(sourceName, lineNumber, $"image {line[..tab]} has no caption after the tab.");
            }

            if (!result.TryAdd(key, captions))
            {
                throw new DataFormatException(sourceName, lineNumber, $"image {line[..tab]} is listed twice; merge its captions into one line.");
            }
        }

        return result;
    }

    /// <summary>Writes the Text2FaceGAN format, atomically.</summary>
    /// <param name="path">Target file; its folder is created.</param>
    /// <param name="captions">Image file name and its captions, in the order to write.</param>
    public static void WriteText2FaceGan(string path, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> captions)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(captions);
        AtomicFile.WriteText(path, w => FormatText2FaceGan(w, captions));
    }

    /// <summary>Formats the Text2FaceGAN format: <c>file&lt;TAB&gt;caption|caption</c> lines.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="captions">Image file name and its captions, in the order to write.</param>
    public static void FormatText2FaceGan(TextWriter writer, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> captions)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(captions);
        foreach (var (file, list) in captions)
        {
            if (string.IsNullOrWhiteSpace(file) || file.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
            {
                throw new ArgumentException($"Image file name '{file}' is empty or contains a tab or line break.", nameof(captions));
            }

            if (list.Count == 0 || list.Any(c => string.IsNullOrWhiteSpace(c) || c.AsSpan().IndexOfAny('|', '\n', '\r') >= 0))
            {
                throw new ArgumentException($"Captions of {file} must be non-empty and free of '|' and line breaks.", nameof(captions));
            }

            writer.Write(file);
            writer.Write('\t');
            writer.Write(string.Join('|', list));
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Reads a Multi-Modal-CelebA-HQ text folder (<c>celeba-caption/</c>): one <c>.txt</c> per image named after it
    /// (<c>0.txt</c> for <c>0.jpg</c>), one caption per line.
    /// </summary>
    /// <param name="folder">The folder of .txt files.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadTextFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Caption folder {folder} does not exist; expected one .txt file per image (Multi-Modal-CelebA-HQ's celeba-caption layout).");
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var captions = File.ReadAllLines(file, Encoding.UTF8).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            if (captions.Length > 0)
            {
                result[Path.GetFileNameWithoutExtension(file)] = captions;
            }
        }

        return result;
    }
}
