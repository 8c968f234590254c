using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// TinyXception's main block: <c>3 × (ReLU → sepConv)</c> + identity. Submodules <c>separable_conv0..2</c>.
/// </summary>
internal sealed class XceptionMainBlock : Module<Tensor, Tensor>
{
    private readonly TfSeparableConv2d separable_conv0;
    private readonly TfSeparableConv2d separable_conv1;
    private readonly TfSeparableConv2d separable_conv2;

    /// <summary>Creates the block.</summary>
    /// <param name="channels">Channels.</param>
    public XceptionMainBlock(int channels)
        : base(nameof(XceptionMainBlock))
    {
        separable_conv0 = new TfSeparableConv2d(channels, channels);
        separable_conv1 = new TfSeparableConv2d(channels, channels);
        separable_conv2 = new TfSeparableConv2d(channels, channels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = separable_conv0.forward(nn.functional.relu(input));
        x = separable_conv1.forward(nn.functional.relu(x));
        x = separable_conv2.forward(nn.functional.relu(x));
        return (x + input).MoveToOuterDisposeScope();
    }
}
