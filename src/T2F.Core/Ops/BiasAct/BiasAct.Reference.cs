using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>bias_act's reference path.</summary>
public static partial class BiasAct
{
    /// <summary>
    /// The reference path: plain TorchSharp ops, line for line rosinality's <c>fused_leaky_relu</c> on the CPU
    /// (<c>F.leaky_relu(input + bias.view(...), negative_slope) * scale</c>); differentiable, any dtype and device.
    /// </summary>
    /// <param name="input">Any tensor of rank >= 2, channels in dimension 1.</param>
    /// <param name="bias">Optional bias [C]; C must equal <c>input.shape[1]</c>.</param>
    /// <param name="negativeSlope">Slope for negative inputs.</param>
    /// <param name="gain">Output multiplier.</param>
    public static Tensor Reference(Tensor input, Tensor? bias, double negativeSlope, double gain)
    {
        Validate(input, bias);
        Tensor x = input;
        if (bias is not null)
        {
            var view = new long[input.dim()];
            Array.Fill(view, 1L);
            view[1] = bias.shape[0];
            x = input + bias.view(view);
        }

        return nn.functional.leaky_relu(x, negativeSlope) * gain;
    }
}
