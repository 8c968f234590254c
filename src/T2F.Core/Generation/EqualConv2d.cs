using T2F.Core.Ops.Convolution;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>Conv2d with equalized learning rate (rosinality <c>model.py</c> <c>EqualConv2d.forward</c>): <c>conv2d(x, weight / sqrt(in*k*k), bias, stride, padding)</c>.</summary>
internal sealed class EqualConv2d : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    /// <summary>Creates the layer (weight ~ N(0,1), bias 0).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="useBias">Whether the layer has a bias.</param>
    public EqualConv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool useBias = true)
        : base(nameof(EqualConv2d))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Scale = 1.0 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        weight = new Parameter(ParameterInit.Normal(outChannels, inChannels, kernelSize, kernelSize));
        register_parameter("weight", weight);
        if (useBias)
        {
            bias = new Parameter(torch.zeros(outChannels));
            register_parameter("bias", bias);
        }
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size.</summary>
    public int KernelSize { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Padding.</summary>
    public int Padding { get; }

    /// <summary>Runtime weight scale <c>1 / sqrt(in*k*k)</c>.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        TensorShapes.ExpectDim(input, 1, InChannels, $"EqualConv2d({InChannels} -> {OutChannels}) input", $"[N, {InChannels}, H, W]");
        using var w = weight * Scale;
        return Convolutions.Conv2d(input, w, bias, Stride, Padding);
    }

    /// <inheritdoc />
    public override string ToString() => $"EqualConv2d({InChannels}, {OutChannels}, {KernelSize}, stride={Stride}, padding={Padding})";
}
