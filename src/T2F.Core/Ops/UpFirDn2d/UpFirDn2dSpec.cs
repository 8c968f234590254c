namespace T2F.Core.Ops;

/// <summary>
/// upfirdn2d's spec table: the cases every path must agree on. The tests are generated from <see cref="Cases"/> (the
/// reference against the depthwise CPU path) and the GPU check (benchmarks/T2F.CudaCheck) runs the same cases through
/// <c>upfirdn2d.cu</c> against the reference path. The reference's own vectors are checked separately (golden tests).
/// </summary>
internal static class UpFirDn2dSpec
{
    /// <summary>The cases every path is checked on.</summary>
    public static IReadOnlyList<UpFirDn2dCase> Cases { get; } =
    [
        new("identity", [2, 5, 9, 7], 4, 3, 1, 1, 1, 1, 0, 0, 0, 0, "a plain FIR filter, valid part only"),
        new("up2-pad", [2, 5, 9, 7], 4, 3, 2, 2, 1, 1, 2, 1, 2, 1, "zero insertion and padding"),
        new("down2-pad", [2, 5, 9, 7], 4, 3, 1, 1, 2, 2, 2, 2, 1, 1, "downsampling with different pads per axis"),
        new("up2-down2-crop", [2, 5, 9, 7], 4, 3, 2, 2, 2, 2, 1, 2, -1, 2, "a negative pad crops"),
        new("up3-crop-after", [2, 5, 9, 7], 4, 3, 3, 3, 1, 1, 0, 3, 1, -1, "factor 3, a crop at the end"),
        new("planes-up2", [1, 4, 19, 17], 3, 4, 2, 2, 1, 1, 2, 1, 2, 1, "odd sizes, a wide kernel"),
        new("planes-down2", [1, 4, 19, 17], 3, 4, 1, 1, 2, 2, 2, 2, 2, 2, "odd sizes, downsampling"),
        new("planes-up2-down2", [1, 4, 19, 17], 3, 4, 2, 2, 2, 2, -1, 2, -1, 2, "both factors and a crop"),
        new("stylegan2-upsample", [2, 3, 8, 8], 4, 4, 2, 2, 1, 1, 2, 1, 2, 1, "Upsample: up 2, pad (2, 1)"),
        new("stylegan2-downsample", [2, 3, 8, 8], 4, 4, 1, 1, 2, 2, 1, 1, 1, 1, "Downsample: down 2, pad (1, 1)"),
        new("stylegan2-blur-after-up", [2, 8, 33, 33], 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, "the blur after a modulated up-sampling convolution"),
    ];

    /// <summary>The case named <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="Cases"/>.</param>
    public static UpFirDn2dCase Case(string name)
        => Cases.SingleOrDefault(c => c.Name == name) ?? throw new ArgumentException($"upfirdn2d has no spec case '{name}'; cases: {string.Join(", ", Cases.Select(c => c.Name))}.", nameof(name));
}
