using T2F.Core.Cuda;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// bias_act's CUDA path: the launchers of <c>bias_act.cu</c> (forward, input gradient, bias gradient) on raw device
/// pointers, and the forward on a TorchSharp CUDA tensor. <see cref="BiasAct.Apply"/> reaches only the forward, and only
/// without gradients: the backward kernels are not wired into autograd, so they run in the GPU check alone.
/// </summary>
internal static class BiasActCuda
{
    /// <summary>y = act(x + bias[c]) * gain, clamped when clamp >= 0 (x, y: [outer, C, inner] float32 on the device).</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="x">Input.</param>
    /// <param name="bias">Bias [C] or 0.</param>
    /// <param name="y">Output (may equal x).</param>
    /// <param name="total">Element count.</param>
    /// <param name="channels">C.</param>
    /// <param name="inner">Elements per channel per sample.</param>
    /// <param name="leakyRelu">Leaky ReLU (true) or linear.</param>
    /// <param name="slope">Negative slope.</param>
    /// <param name="gain">Gain.</param>
    /// <param name="clamp">Clamp, or a negative value for none.</param>
    public static void Forward(CudaKernels kernels, ulong x, ulong bias, ulong y, long total, int channels, long inner, bool leakyRelu, float slope, float gain, float clamp = -1f)
    {
        using var args = new KernelArguments().AddPointer(x).AddPointer(bias).AddPointer(y).Add(total).Add(channels).Add(inner).Add(leakyRelu ? 1 : 0).Add(slope).Add(gain).Add(clamp);
        kernels.Launch("t2f_bias_act_forward", CudaKernels.Grid1D(total), (CudaKernels.ThreadsPerBlock, 1, 1), 0, args);
    }

    /// <summary>dx = dy * gain * act'(x + b) from the forward output y; zero where clamped.</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="dy">Output gradient.</param>
    /// <param name="y">Forward output.</param>
    /// <param name="dx">Input gradient.</param>
    /// <param name="total">Element count.</param>
    /// <param name="leakyRelu">Leaky ReLU (true) or linear.</param>
    /// <param name="slope">Negative slope.</param>
    /// <param name="gain">Gain.</param>
    /// <param name="clamp">Clamp, or negative for none.</param>
    public static void Backward(CudaKernels kernels, ulong dy, ulong y, ulong dx, long total, bool leakyRelu, float slope, float gain, float clamp = -1f)
    {
        using var args = new KernelArguments().AddPointer(dy).AddPointer(y).AddPointer(dx).Add(total).Add(leakyRelu ? 1 : 0).Add(slope).Add(gain).Add(clamp);
        kernels.Launch("t2f_bias_act_backward", CudaKernels.Grid1D(total), (CudaKernels.ThreadsPerBlock, 1, 1), 0, args);
    }

    /// <summary>db[c] = sum over outer and inner of dx.</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="dx">Input gradient [outer, C, inner].</param>
    /// <param name="db">Bias gradient [C].</param>
    /// <param name="outer">Outer size.</param>
    /// <param name="channels">C.</param>
    /// <param name="inner">Inner size.</param>
    public static void BiasGradient(CudaKernels kernels, ulong dx, ulong db, long outer, int channels, long inner)
    {
        using var args = new KernelArguments().AddPointer(dx).AddPointer(db).Add(outer).Add(channels).Add(inner);
        kernels.Launch("t2f_bias_grad", ((uint)channels, 1, 1), (CudaKernels.ThreadsPerBlock, 1, 1), CudaKernels.ThreadsPerBlock * sizeof(float), args);
    }

    /// <summary>The forward on a TorchSharp CUDA tensor (no autograd graph: <see cref="BiasAct.Apply"/> calls it only without gradients).</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="input">float32 CUDA tensor, channels in dimension 1.</param>
    /// <param name="bias">Optional bias [C] on the same device.</param>
    /// <param name="negativeSlope">Slope.</param>
    /// <param name="gain">Gain.</param>
    public static Tensor Forward(CudaKernels kernels, Tensor input, Tensor? bias, double negativeSlope, double gain)
    {
        CudaKernels.RequireCudaFloat(input, nameof(input));
        using var scope = torch.NewDisposeScope();
        var x = input.contiguous();
        var b = bias?.to(ScalarType.Float32).contiguous();
        var y = torch.empty_like(x);
        long channels = x.shape[1];
        long inner = x.numel() / Math.Max(1, x.shape[0] * channels);
        Forward(kernels, CudaKernels.DevicePointer(x), b is null ? 0 : CudaKernels.DevicePointer(b), CudaKernels.DevicePointer(y), x.numel(), (int)channels, inner, true, (float)negativeSlope, (float)gain);
        return y.MoveToOuterDisposeScope();
    }
}
