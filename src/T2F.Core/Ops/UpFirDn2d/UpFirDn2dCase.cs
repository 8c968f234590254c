namespace T2F.Core.Ops;

/// <summary>One row of upfirdn2d's spec table (<see cref="UpFirDn2dSpec"/>); the input and the FIR kernel are drawn from the name.</summary>
/// <param name="Name">Unique name, also the inputs' seed.</param>
/// <param name="Shape">Input [N, C, H, W].</param>
/// <param name="KernelHeight">kh.</param>
/// <param name="KernelWidth">kw (a kernel wider than tall catches a swapped axis or a missing flip).</param>
/// <param name="UpX">Up along W.</param>
/// <param name="UpY">Up along H.</param>
/// <param name="DownX">Down along W.</param>
/// <param name="DownY">Down along H.</param>
/// <param name="PadX0">Pad before along W (negative crops).</param>
/// <param name="PadX1">Pad after along W.</param>
/// <param name="PadY0">Pad before along H.</param>
/// <param name="PadY1">Pad after along H.</param>
/// <param name="Why">What the case covers.</param>
internal sealed record UpFirDn2dCase(string Name, long[] Shape, int KernelHeight, int KernelWidth, int UpX, int UpY, int DownX, int DownY, int PadX0, int PadX1, int PadY0, int PadY1, string Why)
{
    /// <summary>Output height.</summary>
    public long OutputHeight => UpFirDn2d.OutputSize(Shape[2], UpY, DownY, PadY0, PadY1, KernelHeight);

    /// <summary>Output width.</summary>
    public long OutputWidth => UpFirDn2d.OutputSize(Shape[3], UpX, DownX, PadX0, PadX1, KernelWidth);

    /// <summary>Output shape [N, C, outH, outW].</summary>
    public long[] OutputShape => [Shape[0], Shape[1], OutputHeight, OutputWidth];

    /// <summary>The input values, row-major.</summary>
    public float[] Input() => OpCaseInputs.Normal(Shape.Aggregate(1L, (a, b) => a * b), OpCaseInputs.Seed(Name));

    /// <summary>The FIR kernel [kh, kw], row-major.</summary>
    public float[] Kernel() => OpCaseInputs.Normal(KernelHeight * KernelWidth, OpCaseInputs.Seed(Name) + 1);

    /// <summary>The arguments as the reports print them.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}] k{KernelHeight}x{KernelWidth} up({UpX}, {UpY}) down({DownX}, {DownY}) pad({PadX0}, {PadX1}, {PadY0}, {PadY1})";

    /// <inheritdoc />
    public override string ToString() => Name;
}
