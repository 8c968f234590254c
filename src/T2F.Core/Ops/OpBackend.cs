namespace T2F.Core.Ops;

/// <summary>Which implementation of a custom op runs (the NVlabs <c>impl='ref'|'cuda'</c> switch).</summary>
public enum OpBackend
{
    /// <summary>Plain TorchSharp ops that mirror the reference PyTorch code line by line.</summary>
    Reference,

    /// <summary>The fastest available implementation (fused CPU code, CUDA kernels); falls back to <see cref="Reference"/> with one log line where none exists.</summary>
    Fast,
}
