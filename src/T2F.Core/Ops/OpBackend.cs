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

    /// <summary>The CUDA kernels of native/cuda, compiled with NVRTC; falls back to <see cref="Reference"/> with one log line where no CUDA driver is present.</summary>
    Cuda,
}
