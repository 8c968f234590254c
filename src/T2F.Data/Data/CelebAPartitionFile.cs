using T2F.Core.IO;
using System.Globalization;
using System.Text;

namespace T2F.Core.Data;

/// <summary>Reads and writes CelebA's <c>list_eval_partition.txt</c>: one line per image, <c>000001.jpg 0</c> (0 train, 1 validation, 2 test).</summary>
public static class CelebAPartitionFile
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "list_eval_partition.txt";

    /// <summary>Reads a partition file.</summary>
    /// <param name="path">The file.</param>
    public static IReadOnlyList<CelebAPartitionEntry> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <summary>Parses partition entries from text (a Kaggle-style <c>image_id,partition</c> header line is skipped).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">Name used in error messages (a path).</param>
    public static IReadOnlyList<CelebAPartitionEntry> Parse(TextReader reader, string sourceName = FileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(reader);
        var entries = new List<CelebAPartitionEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool first = true;
        while (lines.NextNonEmpty(out string line, out int lineNumber))
        {
            var fields = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (first && fields.Length == 2 && fields[0] == "image_id")
            {
                first = false;
                continue;
            }

            first = false;
            if (fields.Length != 2)
            {
                throw new DataFormatException(sourceName, lineNumber, $"expected '<image file> <0|1|2>', found {fields.Length} fields: '{CelebAAttributeFile.Clip(line)}'.");
            }

            if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int split) || split > 2)
            {
                throw new DataFormatException(sourceName, lineNumber, $"partition of {fields[0]} is '{CelebAAttributeFile.Clip(fields[1])}'; expected 0 (train), 1 (validation) or 2 (test).");
            }

            if (!seen.Add(fields[0]))
            {
                throw new DataFormatException(sourceName, lineNumber, $"image {fields[0]} is listed twice; remove one of the rows.");
            }

            entries.Add(new CelebAPartitionEntry(fields[0], (CelebAPartition)split));
        }

        return entries;
    }

    /// <summary>Writes a partition file, atomically.</summary>
    /// <param name="path">Target file; its folder is created.</param>
    /// <param name="entries">Entries in the order to write.</param>
    public static void Write(string path, IEnumerable<CelebAPartitionEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(entries);
        AtomicFile.WriteText(path, w => Format(w, entries));
    }

    /// <summary>Formats entries as <c>file split</c> lines.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="entries">Entries in the order to write.</param>
    public static void Format(TextWriter writer, IEnumerable<CelebAPartitionEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var e in entries)
        {
            if (string.IsNullOrEmpty(e.FileName) || e.FileName.Any(char.IsWhiteSpace) || !Enum.IsDefined(e.Partition))
            {
                throw new ArgumentException($"Cannot write entry '{e.FileName}' / {e.Partition}: the name must be non-empty without white space and the partition Train, Validation or Test.", nameof(entries));
            }

            writer.Write(e.FileName);
            writer.Write(' ');
            writer.Write(((int)e.Partition).ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }
}
