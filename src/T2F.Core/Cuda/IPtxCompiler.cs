namespace T2F.Core.Cuda;

/// <summary>Compiles CUDA C++ source to PTX at run time (NVRTC, or a replacement).</summary>
internal interface IPtxCompiler
{
    /// <summary>A version string that becomes part of the PTX cache key (a new compiler invalidates the cache).</summary>
    string Version { get; }

    /// <summary>Compiles <paramref name="source"/> for a virtual architecture such as <c>compute_90</c>.</summary>
    /// <param name="source">CUDA C++ source.</param>
    /// <param name="name">Program name for messages.</param>
    /// <param name="architecture">Virtual architecture, e.g. <c>compute_90</c>.</param>
    /// <param name="options">Extra compiler options.</param>
    string CompileToPtx(string source, string name, string architecture, IReadOnlyList<string> options);
}
