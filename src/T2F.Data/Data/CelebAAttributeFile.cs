using T2F.Core.IO;
using System.Globalization;
using System.Text;

namespace T2F.Core.Data;

/// <summary>
/// Reads and writes CelebA's attribute list, <c>list_attr_celeba.txt</c> (also CelebAMask-HQ's
/// <c>CelebAMask-HQ-attribute-anno.txt</c>, same format): a line with the number of images, a header line with
/// attribute names, then one line per image, <c>000001.jpg -1  1  1 -1 ...</c> (1 present, -1 absent).
/// Kaggle's <c>list_attr_celeba.csv</c> (<c>image_id,5_o_Clock_Shadow,...</c>) is read too.
/// </summary>
/// <remarks>
/// Columns are matched by header name, so a file may hold the attributes in another order or only some of them
/// (the missing ones read as absent); unknown names, duplicate names or file names, values other than 1 / -1 / 0,
/// wrong value counts and a count line that disagrees with the rows fail with a <see cref="DataFormatException"/>
/// naming the file and line.
/// </remarks>
public static class CelebAAttributeFile
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "list_attr_celeba.txt";

    /// <summary>Reads an attribute file.</summary>
    /// <param name="path">The file.</param>
    public static IReadOnlyList<CelebAAttributeRow> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <summary>Parses attribute rows from text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">Name used in error messages (a path).</param>
    public static IReadOnlyList<CelebAAttributeRow> Parse(TextReader reader, string sourceName = FileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(reader);
        if (!lines.NextNonEmpty(out string first, out int firstLine))
        {
            throw new DataFormatException(sourceName, 0, "the file is empty; expected the number of images on the first line, then the attribute names, then one row per image.");
        }

        if (first.Contains(',', StringComparison.Ordinal))
        {
            return ParseCsv(lines, first, firstLine, sourceName);
        }

        if (!int.TryParse(first.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int declared))
        {
            throw new DataFormatException(sourceName, firstLine, $"expected the number of images (a non-negative integer) on the first line, found '{Clip(first)}'.");
        }

        if (!lines.NextNonEmpty(out string header, out int headerLine))
        {
            throw new DataFormatException(sourceName, firstLine, $"the file ends after the count line; expected a header line with attribute names such as {string.Join(' ', CelebAAttributes.Names.Take(3))} ...");
        }

        var columns = ParseHeader(header.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), sourceName, headerLine, skipFirst: false);
        var rows = new List<CelebAAttributeRow>(Math.Min(declared, 1 << 20));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (lines.NextNonEmpty(out string line, out int lineNumber))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            rows.Add(ParseRow(fields, columns, seen, sourceName, lineNumber));
        }

        if (rows.Count != declared)
        {
            throw new DataFormatException(sourceName, firstLine, $"the count line says {declared} images but the file has {rows.Count} rows; fix the count (or restore the missing rows).");
        }

        return rows;
    }

    /// <summary>Writes an attribute file in CelebA's layout, atomically.</summary>
    /// <param name="path">Target file; its folder is created.</param>
    /// <param name="rows">Rows in the order to write.</param>
    public static void Write(string path, IReadOnlyCollection<CelebAAttributeRow> rows)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(rows);
        AtomicFile.WriteText(path, w => Format(w, rows));
    }

    /// <summary>Formats rows the way CelebA does: the count, the 40 names each followed by a space, then rows of right-aligned 1 / -1.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="rows">Rows in the order to write.</param>
    public static void Format(TextWriter writer, IReadOnlyCollection<CelebAAttributeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write(rows.Count.ToString(CultureInfo.InvariantCulture));
        writer.Write('\n');
        foreach (var name in CelebAAttributes.Names)
        {
            writer.Write(name);
            writer.Write(' ');
        }

        writer.Write('\n');
        var line = new StringBuilder(16 + (3 * CelebAAttributes.Count));
        foreach (var row in rows)
        {
            if (string.IsNullOrEmpty(row.FileName) || row.FileName.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"Image file name '{row.FileName}' is empty or contains white space, which the CelebA format cannot hold.", nameof(rows));
            }

            line.Clear();
            line.Append(row.FileName);
            for (int i = 0; i < CelebAAttributes.Count; i++)
            {
                line.Append(row.Attributes.Contains((CelebAAttribute)i) ? "  1" : " -1");
            }

            line.Append('\n');
            writer.Write(line);
        }
    }

    private static IReadOnlyList<CelebAAttributeRow> ParseCsv(LineReader lines, string header, int headerLine, string sourceName)
    {
        var columns = ParseHeader(header.Split(',').Select(f => f.Trim()).ToArray(), sourceName, headerLine, skipFirst: true);
        var rows = new List<CelebAAttributeRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (lines.NextNonEmpty(out string line, out int lineNumber))
        {
            rows.Add(ParseRow(line.Split(',').Select(f => f.Trim()).ToArray(), columns, seen, sourceName, lineNumber));
        }

        return rows;
    }

    private static CelebAAttribute[] ParseHeader(string[] names, string sourceName, int lineNumber, bool skipFirst)
    {
        var columns = new List<CelebAAttribute>(CelebAAttributes.Count);
        var seen = new HashSet<CelebAAttribute>();
        for (int i = skipFirst ? 1 : 0; i < names.Length; i++)
        {
            if (!CelebAAttributes.TryParse(names[i], out var attribute))
            {
                throw new DataFormatException(sourceName, lineNumber, $"header column {i + 1} is '{Clip(names[i])}', which is not a CelebA attribute name; expected names such as {string.Join(", ", CelebAAttributes.Names.Take(4))} (case-sensitive, as in list_attr_celeba.txt).");
            }

            if (!seen.Add(attribute))
            {
                throw new DataFormatException(sourceName, lineNumber, $"the header names {names[i]} twice; each attribute may have one column.");
            }

            columns.Add(attribute);
        }

        if (columns.Count == 0)
        {
            throw new DataFormatException(sourceName, lineNumber, "the header line names no attributes; expected the attribute names (5_o_Clock_Shadow ... Young).");
        }

        return columns.ToArray();
    }

    private static CelebAAttributeRow ParseRow(string[] fields, CelebAAttribute[] columns, HashSet<string> seen, string sourceName, int lineNumber)
    {
        if (fields.Length != columns.Length + 1)
        {
            throw new DataFormatException(sourceName, lineNumber, $"expected a file name and {columns.Length} values (1 or -1), found {fields.Length} fields: '{Clip(string.Join(' ', fields))}'.");
        }

        string file = fields[0];
        if (!seen.Add(file))
        {
            throw new DataFormatException(sourceName, lineNumber, $"image {file} is listed twice; remove one of the rows.");
        }

        ulong bits = 0;
        for (int c = 0; c < columns.Length; c++)
        {
            switch (fields[c + 1])
            {
                case "1":
                    bits |= 1UL << (int)columns[c];
                    break;
                case "-1" or "0":
                    break;
                default:
                    throw new DataFormatException(sourceName, lineNumber, $"value of {CelebAAttributes.Name(columns[c])} for {file} is '{Clip(fields[c + 1])}'; expected 1 (present) or -1 (absent).");
            }
        }

        return new CelebAAttributeRow(file, AttributeSet.FromBits(bits));
    }

    internal static string Clip(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
