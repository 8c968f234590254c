namespace T2F.Core.Checkpoints;

/// <summary>
/// A checkpoint's tensors do not fit the module: lists every missing, unexpected and mis-shaped tensor by name.
/// </summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">Where the tensors came from (file name).</param>
    /// <param name="missing">Keys the module has and the source lacks.</param>
    /// <param name="unexpected">Keys the source has and the module lacks.</param>
    /// <param name="mismatched">Keys present in both with different shapes, as "key: module [..] vs source [..]".</param>
    public StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
        : base(BuildMessage(source, missing, unexpected, mismatched))
    {
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
    }

    /// <summary>Keys the module has and the source lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys the source has and the module lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Keys with different shapes.</summary>
    public IReadOnlyList<string> Mismatched { get; }

    private static string BuildMessage(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        var lines = new List<string> { $"The tensors in {source} do not fit the model." };
        if (missing.Count > 0)
        {
            lines.Add($"Missing ({missing.Count}): {string.Join(", ", missing)}");
        }

        if (unexpected.Count > 0)
        {
            lines.Add($"Unexpected ({unexpected.Count}): {string.Join(", ", unexpected)}");
        }

        if (mismatched.Count > 0)
        {
            lines.Add($"Wrong shape ({mismatched.Count}): {string.Join("; ", mismatched)}");
        }

        lines.Add("Check that the file was made for this architecture (sizes, widths, depths), or build the model from the file so its shapes are read from the weights.");
        return string.Join(Environment.NewLine, lines);
    }
}
