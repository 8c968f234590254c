using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// TinyXception's reduction block (<c>xception/TinyXception.ts</c>): [ReLU] → sepConv → ReLU → sepConv →
/// maxPool 3x3 stride 2 SAME, plus the shortcut <c>expansion_conv</c> (1x1 stride 2 + bias) of the block input.
/// Submodules <c>separable_conv0</c>, <c>separable_conv1</c>, <c>expansion_conv</c>.
/// </summary>
internal sealed class XceptionReductionBlock : Module<Tensor, Tensor>
{
    private readonly TfSeparableConv2d separable_conv0;
    private readonly TfSeparableConv2d separable_conv1;
    private readonly TfConv2d expansion_conv;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="activateInput">Whether the input goes through a ReLU first (false only for the first block).</param>
    public XceptionReductionBlock(int inChannels, int outChannels, bool activateInput)
        : base(nameof(XceptionReductionBlock))
    {
        ActivateInput = activateInput;
        separable_conv0 = new TfSeparableConv2d(inChannels, outChannels);
        separable_conv1 = new TfSeparableConv2d(outChannels, outChannels);
        expansion_conv = new TfConv2d(inChannels, outChannels, 1, 2, TfPadding.Same);
        RegisterComponents();
    }

    /// <summary>Whether the input goes through a ReLU first.</summary>
    public bool ActivateInput { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = ActivateInput ? nn.functional.relu(input) : input;
        x = separable_conv0.forward(x);
        x = separable_conv1.forward(nn.functional.relu(x));
        x = nn.functional.max_pool2d(TfSamePadding.Pad(x, 3, 3, 2, double.NegativeInfinity), 3, 2);
        return (x + expansion_conv.forward(input)).MoveToOuterDisposeScope();
    }
}
