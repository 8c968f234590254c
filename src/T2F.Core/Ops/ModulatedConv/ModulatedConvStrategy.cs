namespace T2F.Core.Ops;

/// <summary>How <c>ModulatedConv2d</c> (T2F.Core.Generation) executes; both compute the same maths (rosinality <c>model.py</c> <c>ModulatedConv2d.forward</c>, both branches).</summary>
public enum ModulatedConvStrategy
{
    /// <summary>Reference backend: <see cref="GroupedWeights"/>; fast backend: <see cref="InputScaling"/>.</summary>
    Auto,

    /// <summary>The reference's fused path: per-sample modulated weights, one grouped convolution (groups = batch).</summary>
    GroupedWeights,

    /// <summary>Scale the input by the styles, convolve with the shared weight, scale the output by the demodulation coefficients.</summary>
    InputScaling,
}
