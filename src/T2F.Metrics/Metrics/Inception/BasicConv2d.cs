using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Inception;

/// <summary>
/// torchvision's <c>BasicConv2d</c>: conv without bias → BatchNorm (eps 0.001) → ReLU. State-dict names
/// <c>conv.weight</c>, <c>bn.weight</c>, <c>bn.bias</c>, <c>bn.running_mean</c>, <c>bn.running_var</c>.
/// </summary>
internal sealed class BasicConv2d : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Kernel (height, width).</param>
    /// <param name="stride">Stride (both directions).</param>
    /// <param name="padding">Zero padding (height, width).</param>
    public BasicConv2d(int inChannels, int outChannels, (int H, int W) kernel, int stride = 1, (int H, int W) padding = default)
        : base(nameof(BasicConv2d))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        conv = nn.Conv2d(inChannels, outChannels, kernel_size: (kernel.H, kernel.W), stride: (stride, stride), padding: (padding.H, padding.W), bias: false);
        bn = nn.BatchNorm2d(outChannels, eps: 0.001);
        register_module("conv", conv);
        register_module("bn", bn);
    }

    /// <summary>Creates a block with a square kernel and symmetric padding.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    public BasicConv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), stride, (padding, padding))
    {
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public (int H, int W) Kernel { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Padding (height, width).</summary>
    public (int H, int W) Padding { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // [N, in, H, W] -> [N, out, H', W']
        using var c = conv.forward(input);
        using var b = bn.forward(c);
        return nn.functional.relu(b);
    }

    /// <inheritdoc />
    public override string ToString() => $"BasicConv2d({InChannels}, {OutChannels}, kernel={Kernel.H}x{Kernel.W}, stride={Stride}, padding={Padding.H}x{Padding.W})";
}
