using T2F.Core.Ops.Convolution;

namespace T2F.Core.Ops.Convolution;

/// <summary>The numerics self-check of one convolution route: every case of the battery, forward and backward.</summary>
/// <param name="Route">The route the float32 side ran on.</param>
/// <param name="Cases">The battery's cases in order.</param>
/// <param name="Elapsed">Wall time of the check.</param>
public sealed record SelfCheckReport(ConvolutionRoute Route, IReadOnlyList<SelfCheckCase> Cases, TimeSpan Elapsed)
{
    /// <summary>True when every case passed.</summary>
    public bool Passed => Cases.All(c => c.Passed);

    /// <summary>Number of failing cases.</summary>
    public int FailedCount => Cases.Count(c => !c.Passed);

    /// <summary>The largest relative error of any case.</summary>
    public double MaxError => Cases.Count == 0 ? 0 : Cases.Max(c => c.MaxError);

    /// <summary>One line: route, cases passed, largest error, time.</summary>
    public string Summary => $"{Route}: {Cases.Count - FailedCount}/{Cases.Count} cases exact, max relative error {FormatError(MaxError)}, {Elapsed.TotalMilliseconds:0} ms";

    /// <summary>A relative error for display; non-finite results (NaN or infinity in the output) read "NaN".</summary>
    /// <param name="error">The error.</param>
    public static string FormatError(double error) => double.IsFinite(error) ? error.ToString("0.0e+0", System.Globalization.CultureInfo.InvariantCulture) : "NaN";

    /// <summary>The table of every case (name, shape, the three errors, verdict).</summary>
    public string FormatTable()
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"case",-34} {"shape",-52} {"forward",9} {"grad in",9} {"grad w",9}  verdict");
        foreach (var c in Cases)
        {
            sb.AppendLine($"{c.Name,-34} {c.Shape,-52} {FormatError(c.ForwardError),9} {FormatError(c.InputGradientError),9} {FormatError(c.WeightGradientError),9}  {(c.Passed ? "ok" : "WRONG")}");
        }

        return sb.ToString();
    }
}
