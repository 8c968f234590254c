using T2F.Core.Cuda;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// upfirdn2d's CUDA path: the launcher of <c>upfirdn2d.cu</c> (forward only) on raw device pointers and on a TorchSharp
/// CUDA tensor. <see cref="UpFirDn2d.Apply"/> reaches it only without gradients; no backward kernel exists.
/// </summary>
internal static class UpFirDn2dCuda
{
    /// <summary>upfirdn2d over <paramref name="planes"/> planes of [H, W] (same semantics as <see cref="UpFirDn2d.Reference"/>).</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="x">Input [planes, H, W].</param>
    /// <param name="kernel">FIR kernel [kh, kw].</param>
    /// <param name="y">Output [planes, outH, outW].</param>
    /// <param name="planes">N*C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelHeight">kh.</param>
    /// <param name="kernelWidth">kw.</param>
    /// <param name="upX">Up along W.</param>
    /// <param name="upY">Up along H.</param>
    /// <param name="downX">Down along W.</param>
    /// <param name="downY">Down along H.</param>
    /// <param name="padX0">Pad before along W.</param>
    /// <param name="padY0">Pad before along H.</param>
    /// <param name="outHeight">Output height (the pads after are implied by it).</param>
    /// <param name="outWidth">Output width.</param>
    public static void Forward(CudaKernels kernels, ulong x, ulong kernel, ulong y, int planes, int height, int width, int kernelHeight, int kernelWidth, int upX, int upY, int downX, int downY, int padX0, int padY0, int outHeight, int outWidth)
    {
        long total = (long)planes * outHeight * outWidth;
        using var args = new KernelArguments().AddPointer(x).AddPointer(kernel).AddPointer(y).Add(planes).Add(height).Add(width).Add(kernelHeight).Add(kernelWidth)
            .Add(upX).Add(upY).Add(downX).Add(downY).Add(padX0).Add(padY0).Add(outHeight).Add(outWidth);
        kernels.Launch("t2f_upfirdn2d", CudaKernels.Grid1D(total), (CudaKernels.ThreadsPerBlock, 1, 1), 0, args);
    }

    /// <summary>upfirdn2d on a TorchSharp CUDA tensor [N, C, H, W] (forward only, no autograd graph).</summary>
    /// <param name="kernels">The loaded kernels.</param>
    /// <param name="input">float32 CUDA tensor.</param>
    /// <param name="kernel">FIR kernel [kh, kw].</param>
    /// <param name="upX">Up along W.</param>
    /// <param name="upY">Up along H.</param>
    /// <param name="downX">Down along W.</param>
    /// <param name="downY">Down along H.</param>
    /// <param name="padX0">Pad before along W.</param>
    /// <param name="padX1">Pad after along W.</param>
    /// <param name="padY0">Pad before along H.</param>
    /// <param name="padY1">Pad after along H.</param>
    public static Tensor Forward(CudaKernels kernels, Tensor input, Tensor kernel, int upX, int upY, int downX, int downY, int padX0, int padX1, int padY0, int padY1)
    {
        UpFirDn2d.Validate(input, kernel, upX, upY, downX, downY, padX0, padX1, padY0, padY1);
        CudaKernels.RequireCudaFloat(input, nameof(input));
        using var scope = torch.NewDisposeScope();
        var x = input.contiguous();
        var k = kernel.to(ScalarType.Float32).to(x.device).contiguous();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long outH = UpFirDn2d.OutputSize(h, upY, downY, padY0, padY1, k.shape[0]);
        long outW = UpFirDn2d.OutputSize(w, upX, downX, padX0, padX1, k.shape[1]);
        var y = torch.empty(new[] { n, c, outH, outW }, ScalarType.Float32, x.device);
        Forward(kernels, CudaKernels.DevicePointer(x), CudaKernels.DevicePointer(k), CudaKernels.DevicePointer(y), (int)(n * c), (int)h, (int)w, (int)k.shape[0], (int)k.shape[1], upX, upY, downX, downY, padX0, padY0, (int)outH, (int)outW);
        return y.MoveToOuterDisposeScope();
    }
}
