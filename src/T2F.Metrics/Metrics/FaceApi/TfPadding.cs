using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>TF's padding modes for convolutions and pools.</summary>
internal enum TfPadding
{
    /// <summary>No padding.</summary>
    Valid,

    /// <summary>
    /// Output size <c>ceil(n / stride)</c>; the total padding <c>(out - 1)·stride + k - n</c> is split with the smaller
    /// half before. For a stride-2 3x3 layer on an even size that is 0 before and 1 after, which PyTorch's symmetric
    /// <c>padding=1</c> cannot express.
    /// </summary>
    Same,
}

/// <summary>Explicit TF SAME padding, so that every conv and pool afterwards runs VALID.</summary>
internal static class TfSamePadding
{
    /// <summary>(before, after) padding of one spatial dimension.</summary>
    /// <param name="size">Input size.</param>
    /// <param name="kernel">Kernel size.</param>
    /// <param name="stride">Stride.</param>
    public static (long Before, long After) Amount(long size, int kernel, int stride)
    {
        long output = (size + stride - 1) / stride;
        long total = Math.Max(((output - 1) * stride) + kernel - size, 0);
        return (total / 2, total - (total / 2));
    }

    /// <summary>Pads [N, C, H, W] for a SAME layer; <paramref name="value"/> is 0 for convs and −∞ for max pools.</summary>
    /// <param name="x">[N, C, H, W].</param>
    /// <param name="kernelH">Kernel height.</param>
    /// <param name="kernelW">Kernel width.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="value">Fill value.</param>
    public static Tensor Pad(Tensor x, int kernelH, int kernelW, int stride, double value = 0)
    {
        var (top, bottom) = Amount(x.shape[2], kernelH, stride);
        var (left, right) = Amount(x.shape[3], kernelW, stride);
        if (top == 0 && bottom == 0 && left == 0 && right == 0)
        {
            return x.alias();
        }

        return nn.functional.pad(x, new[] { left, right, top, bottom }, PaddingModes.Constant, value);
    }
}
