using T2F.Core.Cuda;

namespace T2F.Core.Ops;

/// <summary>
/// The modulated convolution's CUDA path: the launchers of <c>modulate.cu</c> (per-sample weights and demodulation
/// coefficients) and <c>modconv.cu</c> (a direct tiled convolution with the modulation fused in, and the stride-2
/// transposed convolution of up-sampling; the blur is upfirdn2d's kernel), on raw device pointers. Not wired into
/// <see cref="Generation.ModulatedConv2d"/>: its strategies run on libtorch (cuDNN for CUDA tensors), so only the GPU
/// check (benchmarks/T2F.CudaCheck) runs these kernels.
/// </summary>
internal static class ModulatedConvCuda
{
    /// <summary>Output tile edge of <c>t2f_modconv_direct</c> (its <c>TILE</c>).</summary>
    public const int Tile = 16;

    /// <summary>Output channels per block of <c>t2f_modconv_direct</c> (its <c>OC_PER_BLOCK</c>).</summary>
    public const int OutputChannelsPerBlock = 8;

    /// <summary>Per-sample modulated (and demodulated) weights [B, O, I, K*K] and coefficients [B, O] in one pass.</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="weight">Shared weight [O, I, K*K].</param>
    /// <param name="styles">Styles [B, I].</param>
    /// <param name="output">Per-sample weights [B, O, I, K*K].</param>
    /// <param name="demodulation">Coefficients [B, O] or 0.</param>
    /// <param name="batch">B.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="kernelArea">K*K.</param>
    /// <param name="scale">1/sqrt(I*K*K).</param>
    /// <param name="demodulate">Whether to demodulate.</param>
    public static void ModulateWeights(CudaKernels kernels, ulong weight, ulong styles, ulong output, ulong demodulation, int batch, int outChannels, int inChannels, int kernelArea, float scale, bool demodulate)
    {
        using var args = new KernelArguments().AddPointer(weight).AddPointer(styles).AddPointer(output).AddPointer(demodulation)
            .Add(batch).Add(outChannels).Add(inChannels).Add(kernelArea).Add(scale).Add(demodulate ? 1 : 0);
        kernels.Launch("t2f_modulate_weights", ((uint)(batch * outChannels), 1, 1), (CudaKernels.ThreadsPerBlock, 1, 1), CudaKernels.ThreadsPerBlock * sizeof(float), args);
    }

    /// <summary>Direct modulated convolution (K 1 or 3, stride 1 or 2, zero padding), demodulated when <paramref name="demodulation"/> is not 0.</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="x">Input [B, I, H, W].</param>
    /// <param name="weight">Shared weight [O, I, K, K].</param>
    /// <param name="styles">Styles [B, I].</param>
    /// <param name="demodulation">Coefficients [B, O] (from <see cref="ModulateWeights"/>) or 0.</param>
    /// <param name="y">Output [B, O, outH, outW].</param>
    /// <param name="batch">B.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Padding.</param>
    /// <param name="scale">1/sqrt(I*K*K).</param>
    public static void Direct(CudaKernels kernels, ulong x, ulong weight, ulong styles, ulong demodulation, ulong y, int batch, int inChannels, int outChannels, int height, int width, int kernelSize, int stride, int padding, float scale)
    {
        if (kernelSize is not (1 or 3) || stride is not (1 or 2))
        {
            throw new ArgumentException($"The direct modulated convolution supports K in {{1, 3}} and stride in {{1, 2}}; got K {kernelSize}, stride {stride}.");
        }

        int outH = ((height + (2 * padding) - kernelSize) / stride) + 1;
        int outW = ((width + (2 * padding) - kernelSize) / stride) + 1;
        uint tiles = (uint)(((outW + Tile - 1) / Tile) * ((outH + Tile - 1) / Tile));
        using var args = new KernelArguments().AddPointer(x).AddPointer(weight).AddPointer(styles).AddPointer(demodulation).AddPointer(y)
            .Add(batch).Add(inChannels).Add(outChannels).Add(height).Add(width).Add(outH).Add(outW).Add(kernelSize).Add(stride).Add(padding).Add(scale);
        kernels.Launch("t2f_modconv_direct", (tiles, (uint)((outChannels + OutputChannelsPerBlock - 1) / OutputChannelsPerBlock), (uint)batch), (Tile, Tile, 1), 0, args);
    }

    /// <summary>Modulated transposed convolution, stride 2, no padding: output (2H - 1 + K) x (2W - 1 + K), before the blur.</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="x">Input [B, I, H, W].</param>
    /// <param name="weight">Shared weight [O, I, K, K].</param>
    /// <param name="styles">Styles [B, I].</param>
    /// <param name="demodulation">Coefficients [B, O] or 0.</param>
    /// <param name="y">Output.</param>
    /// <param name="batch">B.</param>
    /// <param name="inChannels">I.</param>
    /// <param name="outChannels">O.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="scale">1/sqrt(I*K*K).</param>
    public static void Transpose2x(CudaKernels kernels, ulong x, ulong weight, ulong styles, ulong demodulation, ulong y, int batch, int inChannels, int outChannels, int height, int width, int kernelSize, float scale)
    {
        long total = (long)batch * outChannels * ((2 * (height - 1)) + kernelSize) * ((2 * (width - 1)) + kernelSize);
        using var args = new KernelArguments().AddPointer(x).AddPointer(weight).AddPointer(styles).AddPointer(demodulation).AddPointer(y)
            .Add(batch).Add(inChannels).Add(outChannels).Add(height).Add(width).Add(kernelSize).Add(scale);
        kernels.Launch("t2f_modconv_transpose2x", CudaKernels.Grid1D(total), (CudaKernels.ThreadsPerBlock, 1, 1), 0, args);
    }
}
