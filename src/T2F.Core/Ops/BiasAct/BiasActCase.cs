namespace T2F.Core.Ops;

/// <summary>One row of bias_act's spec table (<see cref="BiasActSpec"/>): an input shape and the op's parameters; the inputs are drawn from the name.</summary>
/// <param name="Name">Unique name, also the inputs' seed.</param>
/// <param name="Shape">Input shape, channels in dimension 1.</param>
/// <param name="WithBias">Whether a bias [C] is added.</param>
/// <param name="NegativeSlope">Leaky ReLU slope.</param>
/// <param name="Gain">Output multiplier.</param>
/// <param name="Why">What the case covers.</param>
internal sealed record BiasActCase(string Name, long[] Shape, bool WithBias, double NegativeSlope, double Gain, string Why)
{
    /// <summary>Element count.</summary>
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>C.</summary>
    public long Channels => Shape[1];

    /// <summary>Elements per channel per sample (the kernels' <c>inner</c>).</summary>
    public long Inner => Elements / (Shape[0] * Channels);

    /// <summary>The input values, row-major in <see cref="Shape"/>.</summary>
    public float[] Input() => OpCaseInputs.Normal(Elements, OpCaseInputs.Seed(Name));

    /// <summary>The bias values [C], or null without a bias.</summary>
    public float[]? Bias() => WithBias ? OpCaseInputs.Normal(Channels, OpCaseInputs.Seed(Name) + 1) : null;

    /// <summary>An upstream gradient shaped like the output, for the backward checks.</summary>
    public float[] OutputGradient() => OpCaseInputs.Normal(Elements, OpCaseInputs.Seed(Name) + 2);

    /// <summary>The shape as the reports print it.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    /// <inheritdoc />
    public override string ToString() => Name;
}
