using System.Globalization;
using System.Text;
using T2F.Core.IO;

namespace T2F.Core.Training;

/// <summary>
/// A run's loss history (<c>step,name...,images_per_s</c>), which must survive being killed at any moment: on open,
/// rows after the checkpoint the run resumes from (they will be computed again) and a row torn by a crash are dropped
/// in an atomic rewrite; then each row is appended with one write and flushed. A log written with other loss columns
/// (a run resumed by a newer trainer that logs an added loss) keeps its rows, their cells moved under the new header by
/// name and empty where the old log had no such column.
/// </summary>
internal sealed class LossLog : IDisposable
{
    private readonly StreamWriter writer;

    private LossLog(StreamWriter writer) => this.writer = writer;

    /// <summary>Opens <paramref name="path"/> for a run resuming at <paramref name="step"/> (0: a new run).</summary>
    public static LossLog Open(string path, IReadOnlyList<string> lossNames, long step)
    {
        string header = "step," + string.Join(",", lossNames) + ",images_per_s";
        int columns = lossNames.Count + 2;
        var keep = new List<string>();
        if (step > 0 && File.Exists(path))
        {
            string? oldHeader = File.ReadLines(path).FirstOrDefault();
            var rows = File.ReadLines(path).Skip(1);
            if (oldHeader is not null && oldHeader != header)
            {
                var oldColumns = oldHeader.Split(',');
                var newColumns = header.Split(',');
                rows = rows.Where(line => line.Split(',').Length == oldColumns.Length).Select(line => Remap(line.Split(','), oldColumns, newColumns));
            }

            keep = rows.Where(line => IsCompleteRowUpTo(line, columns, step)).ToList();
        }

        AtomicFile.WriteText(path, w =>
        {
            w.WriteLine(header);
            foreach (var line in keep)
            {
                w.WriteLine(line);
            }
        });
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new LossLog(new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" });
    }

    /// <summary>Appends one row; a loss missing from <paramref name="losses"/> stays empty.</summary>
    public void Write(long step, IReadOnlyList<string> lossNames, IReadOnlyDictionary<string, double> losses, double imagesPerSecond)
    {
        var row = new StringBuilder(step.ToString(CultureInfo.InvariantCulture));
        foreach (string name in lossNames)
        {
            row.Append(',');
            if (losses.TryGetValue(name, out double value))
            {
                row.Append(value.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        row.Append(',').Append(imagesPerSecond.ToString("F2", CultureInfo.InvariantCulture)).Append('\n');
        this.writer.Write(row.ToString());
        this.writer.Flush();
    }

    public void Dispose() => this.writer.Dispose();

    private static string Remap(string[] cells, string[] oldColumns, string[] newColumns)
        => string.Join(',', newColumns.Select(name => Array.IndexOf(oldColumns, name) is >= 0 and var i ? cells[i] : string.Empty));

    private static bool IsCompleteRowUpTo(string line, int columns, long step)
    {
        var cells = line.Split(',');
        return cells.Length == columns
            && long.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) && s <= step
            && double.TryParse(cells[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }
}
