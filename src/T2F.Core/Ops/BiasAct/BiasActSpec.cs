namespace T2F.Core.Ops;

/// <summary>
/// bias_act's spec table, in the manner of NVlabs' <c>activation_funcs</c> table: the cases every path must agree on. The
/// tests are generated from <see cref="Cases"/> (reference against the fused CPU path, forward and gradients) and the GPU
/// check (benchmarks/T2F.CudaCheck) runs the same cases through the CUDA kernels against the reference path; it times
/// <see cref="Timing"/> too, shapes too large to ship expected values for.
/// </summary>
internal static class BiasActSpec
{
    private static readonly double Sqrt2 = Math.Sqrt(2.0);

    /// <summary>The cases every path is checked on.</summary>
    public static IReadOnlyList<BiasActCase> Cases { get; } =
    [
        new("2d", [3, 5], true, 0.2, Sqrt2, "EqualLinear's activation: [B, C] with no spatial dimensions"),
        new("4d", [2, 7, 3, 4], true, 0.2, Sqrt2, "a small feature map"),
        new("4d-no-bias", [2, 7, 3, 4], false, 0.2, Sqrt2, "FusedLeakyReLU without its bias"),
        new("512x16x16", [1, 512, 16, 16], true, 0.2, Sqrt2, "a config-f 16x16 layer"),
        new("1M-parallel", [4, 64, 64, 64], true, 0.2, Sqrt2, "1M elements: the CPU path's parallel loop"),
        new("5d-slope-0.1", [2, 3, 4, 5, 6], true, 0.1, 1.0, "rank 5, another slope, gain 1"),
        new("relu-chunk-edge", [5, 9, 4099], true, 0.0, 2.5, "rows just over the CPU path's 4096-element chunk; slope 0 is a ReLU"),
        new("linear", [2, 4, 3, 3], true, 1.0, 0.5, "slope 1: a linear activation"),
    ];

    /// <summary>Shapes the GPU check times without a reference check (the sizes of PyTorch's timing in native/cuda/torch_timing.py).</summary>
    public static IReadOnlyList<BiasActCase> Timing { get; } =
    [
        new("time-8x512x64x64", [8, 512, 64 * 64], true, 0.2, Sqrt2, "batch 8 at 64x64, config-f widths"),
        new("time-1x128x256x256", [1, 128, 256 * 256], true, 0.2, Sqrt2, "one 256x256 layer"),
    ];

    /// <summary>The case named <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="Cases"/>.</param>
    public static BiasActCase Case(string name)
        => Cases.SingleOrDefault(c => c.Name == name) ?? throw new ArgumentException($"bias_act has no spec case '{name}'; cases: {string.Join(", ", Cases.Select(c => c.Name))}.", nameof(name));
}
