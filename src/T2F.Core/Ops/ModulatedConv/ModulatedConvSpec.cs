namespace T2F.Core.Ops;

/// <summary>
/// The modulated convolution's spec table: the layers every path must agree on. The tests are generated from
/// <see cref="Cases"/> (the reference's grouped path against input scaling, forward and gradients) and the GPU check
/// (benchmarks/T2F.CudaCheck) runs the same layers through <c>modulate.cu</c>, <c>modconv.cu</c> and <c>upfirdn2d.cu</c>
/// against the reference path; it times <see cref="Timing"/> too, config-f layers too large to ship expected values for.
/// The blur taps are StyleGAN2's [1, 3, 3, 1].
/// </summary>
internal static class ModulatedConvSpec
{
    /// <summary>The cases every path is checked on.</summary>
    public static IReadOnlyList<ModulatedConvCase> Cases { get; } =
    [
        new("3x3", 5, 16, 12, 9, 3, true, false, false, "a plain demodulated 3x3 layer, batch 5"),
        new("3x3-up", 5, 16, 12, 9, 3, true, true, false, "up-sampling: transposed convolution + blur"),
        new("3x3-down", 5, 16, 12, 9, 3, true, false, true, "down-sampling: blur + stride 2"),
        new("to-rgb", 5, 16, 12, 9, 1, false, false, false, "ToRGB's 1x1 without demodulation"),
        new("3x3-up-no-demod", 5, 16, 12, 9, 3, false, true, false, "up-sampling without demodulation"),
        new("64-to-48", 2, 64, 48, 32, 3, true, false, false, "48 outputs: more than one block of output channels, a tile edge"),
        new("to-rgb-64", 2, 64, 3, 32, 1, false, false, false, "3 outputs, the real ToRGB width"),
        new("down-32-to-40", 2, 32, 40, 17, 3, true, false, true, "odd size, 40 outputs, down-sampling"),
        new("up-48-to-40", 2, 48, 40, 16, 3, true, true, false, "40 outputs per group: the transposed convolution oneDNN gets wrong on Zen 5"),
    ];

    /// <summary>config-f layers the GPU check times without a reference check (the shapes of native/cuda/torch_timing.py).</summary>
    public static IReadOnlyList<ModulatedConvCase> Timing { get; } =
    [
        new("time-16", 1, 512, 512, 16, 3, true, false, false, "config-f 16x16, batch 1"),
        new("time-64-batch-8", 8, 512, 512, 64, 3, true, false, false, "config-f 64x64, batch 8"),
        new("time-256", 1, 128, 128, 256, 3, true, false, false, "config-f 256x256, batch 1"),
    ];

    /// <summary>The case named <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="Cases"/>.</param>
    public static ModulatedConvCase Case(string name)
        => Cases.SingleOrDefault(c => c.Name == name) ?? throw new ArgumentException($"The modulated convolution has no spec case '{name}'; cases: {string.Join(", ", Cases.Select(c => c.Name))}.", nameof(name));
}
