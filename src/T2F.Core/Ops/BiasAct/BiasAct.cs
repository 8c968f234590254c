using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// bias_act, the op's one name here: fused bias + leaky ReLU + gain, <c>lrelu(x + b, slope) * gain</c> with slope 0.2
/// and gain sqrt(2) by default, the bias broadcast along dimension 1. NVlabs calls it <c>bias_act</c>
/// (<c>torch_utils/ops/bias_act.py</c>), rosinality <c>fused_leaky_relu</c> (<c>op/fused_act.py</c>); the module that owns
/// the bias keeps rosinality's name, <see cref="Generation.FusedLeakyReLU"/>, because it is a checkpoint's module.
/// Everything of the op is in <c>Ops/BiasAct/</c>: this entry, <see cref="Reference"/>, <see cref="CpuFused"/>, the CUDA
/// launcher and <c>bias_act.cu</c>, and the cases that the tests and the GPU check share.
/// </summary>
public static partial class BiasAct
{
    /// <summary>The negative slope every StyleGAN2 layer uses.</summary>
    public const double DefaultNegativeSlope = 0.2;

    /// <summary>The gain sqrt(2) that keeps the activation variance-preserving.</summary>
    public static readonly double DefaultGain = Math.Sqrt(2.0);

    /// <summary>
    /// Applies the activation on the path the op settings select for <paramref name="input"/> (<see cref="OpSettings.Resolve"/>).
    /// The fused CPU and CUDA paths record no autograd graph, so a call that needs
    /// gradients takes the reference path whatever the backend.
    /// </summary>
    /// <param name="input">Any tensor of rank >= 2, channels in dimension 1.</param>
    /// <param name="bias">Optional bias [C].</param>
    /// <param name="negativeSlope">Slope for negative inputs (default 0.2).</param>
    /// <param name="gain">Output multiplier (default sqrt 2).</param>
    public static Tensor Apply(Tensor input, Tensor? bias = null, double negativeSlope = DefaultNegativeSlope, double? gain = null)
    {
        double g = gain ?? DefaultGain;
        Validate(input, bias);
        var backend = OpSettings.Resolve(input);
        if (backend == OpBackend.CpuFused && CanFuseOnCpu(input, bias, negativeSlope))
        {
            return CpuFused(input, bias, negativeSlope, g);
        }

        if (backend == OpBackend.Cuda && !NeedsGrad(input, bias) && Cuda.CudaKernels.TryGetDefault(out var kernels, out _))
        {
            return BiasActCuda.Forward(kernels!, input, bias, negativeSlope, g);
        }

        return Reference(input, bias, negativeSlope, g);
    }

    private static bool NeedsGrad(Tensor input, Tensor? bias)
        => torch.is_grad_enabled() && (input.requires_grad || (bias?.requires_grad ?? false));

    private static void Validate(Tensor input, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 2)
        {
            throw new ArgumentException($"bias_act expects a tensor of rank >= 2 with channels in dimension 1; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != input.shape[1]))
        {
            throw new ArgumentException($"bias_act bias must have shape [{input.shape[1]}] (the input's channel count); got [{string.Join(", ", bias.shape)}].", nameof(bias));
        }
    }
}
