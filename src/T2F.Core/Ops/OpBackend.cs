namespace T2F.Core.Ops;

/// <summary>Which implementation of the custom ops runs (the NVlabs <c>impl='ref'|'cuda'</c> switch, with a CPU fused path).</summary>
public enum OpBackend
{
    /// <summary>CPU tensors: <see cref="CpuFused"/>; CUDA tensors: <see cref="Cuda"/> when the kernels load, else <see cref="Reference"/> (logged once).</summary>
    Auto,

    /// <summary>Plain TorchSharp ops that mirror the reference PyTorch code line by line.</summary>
    Reference,

    /// <summary>Fused CPU code (System.Numerics.Tensors, one pass over memory) and the fastest libtorch formulation per op.</summary>
    CpuFused,

    /// <summary>
    /// The CUDA kernels of the op folders (<c>Ops/&lt;op&gt;/*.cu</c>, compiled with NVRTC) for CUDA tensors: bias_act and
    /// upfirdn2d forward, and only without gradients (the kernels are not wired into autograd); everything else on CUDA
    /// tensors runs on libtorch. Calls that need gradients, and machines without a CUDA driver, take
    /// <see cref="Reference"/> (the latter logged once); CPU tensors take <see cref="CpuFused"/>.
    /// </summary>
    Cuda,
}
