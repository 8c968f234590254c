using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.Inception;

/// <summary>The pooling branches of the FID Inception blocks (pytorch-fid's patches of torchvision).</summary>
internal static class InceptionPooling
{
    /// <summary>
    /// 3x3 average pool, stride 1, padding 1, <c>count_include_pad=False</c>: TensorFlow's average pool does not count
    /// the padded zeros (pytorch-fid's patch in FIDInceptionA/C/E_1).
    /// </summary>
    public static Tensor AveragePool3x3(Tensor x)
        => nn.functional.avg_pool2d(x, 3, 1, 1, false, false);

    /// <summary>3x3 max pool, stride 1, padding 1 (the TF graph's pool in the last block, FIDInceptionE_2).</summary>
    public static Tensor MaxPool3x3(Tensor x)
        => nn.functional.max_pool2d(x, 3, 1, 1);

    /// <summary>3x3 max pool, stride 2, no padding (the reduction blocks and the stem).</summary>
    public static Tensor MaxPool3x3Stride2(Tensor x)
        => nn.functional.max_pool2d(x, 3, 2);
}
