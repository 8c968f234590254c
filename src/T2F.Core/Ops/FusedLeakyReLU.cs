using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// Fused bias + leaky ReLU + gain: <c>lrelu(x + b, slope) * gain</c> with slope 0.2 and gain sqrt(2) by default
/// (reference: <c>op/fused_act.py</c>; spec section 1.2). The bias is broadcast along dimension 1.
/// </summary>
public static class FusedLeakyReLU
{
    /// <summary>The negative slope every StyleGAN2 layer uses.</summary>
    public const double DefaultNegativeSlope = 0.2;

    /// <summary>The gain sqrt(2) that keeps the activation variance-preserving.</summary>
    public static readonly double DefaultGain = Math.Sqrt(2.0);

    /// <summary>Applies the activation with the reference path (plain TorchSharp ops).</summary>
    /// <param name="input">Any tensor of rank >= 2, channels in dimension 1.</param>
    /// <param name="bias">Optional bias [C]; C must equal <c>input.shape[1]</c>.</param>
    /// <param name="negativeSlope">Slope for negative inputs.</param>
    /// <param name="gain">Output multiplier.</param>
    public static Tensor Reference(Tensor input, Tensor? bias, double negativeSlope, double gain)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 2)
        {
            throw new ArgumentException($"FusedLeakyReLU expects a tensor of rank >= 2 with channels in dimension 1; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        Tensor x = input;
        if (bias is not null)
        {
            if (bias.dim() != 1 || bias.shape[0] != input.shape[1])
            {
                throw new ArgumentException($"FusedLeakyReLU bias must have shape [{input.shape[1]}] (the input's channel count); got [{string.Join(", ", bias.shape)}].", nameof(bias));
            }

            var view = new long[input.dim()];
            Array.Fill(view, 1L);
            view[1] = bias.shape[0];
            x = input + bias.view(view);
        }

        return nn.functional.leaky_relu(x, negativeSlope) * gain;
    }

    /// <summary>Applies the activation with the backend selected by <see cref="OpSettings.Backend"/>.</summary>
    /// <param name="input">Any tensor of rank >= 2, channels in dimension 1.</param>
    /// <param name="bias">Optional bias [C].</param>
    /// <param name="negativeSlope">Slope for negative inputs (default 0.2).</param>
    /// <param name="gain">Output multiplier (default sqrt 2).</param>
    public static Tensor Apply(Tensor input, Tensor? bias = null, double negativeSlope = DefaultNegativeSlope, double? gain = null)
        => Reference(input, bias, negativeSlope, gain ?? DefaultGain);
}
