using T2F.Core.Ops.Convolution;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// <c>tf.conv2d(x, filters, stride, padding) + bias</c>. Parameters <c>filters</c> (stored in PyTorch layout
/// <c>[out, in, kh, kw]</c>; the TF.js file holds <c>[kh, kw, in, out]</c>) and <c>bias</c> [out].
/// </summary>
internal sealed class TfConv2d : Module<Tensor, Tensor>
{
    private readonly Parameter filters;
    private readonly Parameter bias;

    /// <summary>Creates the layer with zero weights (load weights before use).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">TF padding mode.</param>
    public TfConv2d(int inChannels, int outChannels, int kernel, int stride, TfPadding padding)
        : base(nameof(TfConv2d))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        filters = new Parameter(torch.zeros(outChannels, inChannels, kernel, kernel), requires_grad: false);
        bias = new Parameter(torch.zeros(outChannels), requires_grad: false);
        register_parameter("filters", filters);
        register_parameter("bias", bias);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Padding mode.</summary>
    public TfPadding Padding { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var padded = Padding == TfPadding.Same ? TfSamePadding.Pad(input, Kernel, Kernel, Stride) : input.alias();
        return Convolutions.Conv2d(padded, filters, bias, Stride);
    }

    /// <inheritdoc />
    public override string ToString() => $"TfConv2d({InChannels}, {OutChannels}, {Kernel}x{Kernel}, stride={Stride}, {Padding})";
}
