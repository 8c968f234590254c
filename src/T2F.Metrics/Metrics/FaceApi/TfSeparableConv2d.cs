using T2F.Core.Ops.Convolution;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// <c>tf.separableConv2d(x, depthwise, pointwise, stride, 'same') + bias</c>: a 3x3 depthwise conv (channel multiplier
/// 1, SAME padding, the stride) followed by a 1x1 pointwise conv. Parameters <c>depthwise_filter</c> [C, 1, 3, 3]
/// (TF <c>[3, 3, C, 1]</c>), <c>pointwise_filter</c> [out, C, 1, 1] (TF <c>[1, 1, C, out]</c>) and <c>bias</c> [out].
/// </summary>
internal sealed class TfSeparableConv2d : Module<Tensor, Tensor>
{
    private readonly Parameter depthwise_filter;
    private readonly Parameter pointwise_filter;
    private readonly Parameter bias;

    /// <summary>Creates the layer with zero weights (load weights before use).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="stride">Stride of the depthwise conv.</param>
    public TfSeparableConv2d(int inChannels, int outChannels, int stride = 1)
        : base(nameof(TfSeparableConv2d))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        depthwise_filter = new Parameter(torch.zeros(inChannels, 1, 3, 3), requires_grad: false);
        pointwise_filter = new Parameter(torch.zeros(outChannels, inChannels, 1, 1), requires_grad: false);
        bias = new Parameter(torch.zeros(outChannels), requires_grad: false);
        register_parameter("depthwise_filter", depthwise_filter);
        register_parameter("pointwise_filter", pointwise_filter);
        register_parameter("bias", bias);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var padded = TfSamePadding.Pad(input, 3, 3, Stride);
        using var depthwise = Convolutions.Conv2d(padded, depthwise_filter, null, Stride, 0, InChannels);
        return Convolutions.Conv2d(depthwise, pointwise_filter, bias);
    }

    /// <inheritdoc />
    public override string ToString() => $"TfSeparableConv2d({InChannels}, {OutChannels}, stride={Stride})";
}
