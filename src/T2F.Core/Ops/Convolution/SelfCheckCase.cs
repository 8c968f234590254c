namespace T2F.Core.Ops.Convolution;

/// <summary>One convolution of the numerics self-check: its float32 result and gradients against float64.</summary>
/// <param name="Name">Short name of the shape class (e.g. "conv 3x3 65->16", the minibatch-stddev conv).</param>
/// <param name="Shape">Input and weight shapes, stride, padding and groups.</param>
/// <param name="ForwardError">Max |float32 - float64| of the output over max |float64|.</param>
/// <param name="InputGradientError">The same for the gradient of the input.</param>
/// <param name="WeightGradientError">The same for the gradient of the weight.</param>
/// <param name="Tolerance">The largest relative error that passes.</param>
public sealed record SelfCheckCase(string Name, string Shape, double ForwardError, double InputGradientError, double WeightGradientError, double Tolerance)
{
    /// <summary>The largest of the three errors (NaN counts as infinite).</summary>
    public double MaxError => new[] { ForwardError, InputGradientError, WeightGradientError }.Select(e => double.IsNaN(e) ? double.PositiveInfinity : e).Max();

    /// <summary>True when every error is within <see cref="Tolerance"/>.</summary>
    public bool Passed => MaxError <= Tolerance;
}
