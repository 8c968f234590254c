using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// face-api's <c>denseBlock4</c> (<c>faceFeatureExtractor/denseBlock.ts</c>): <c>out1 = relu(conv0(x))</c> with stride 2
/// (a plain conv in the first block, a separable conv after), then <c>out_k = sepConv(relu(out1 + ... + out_{k-1}))</c>
/// for k = 2..4, output <c>relu(out1 + out2 + out3 + out4)</c>. Submodules <c>conv0..conv3</c>.
/// </summary>
internal sealed class DenseBlock4 : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv0;
    private readonly TfSeparableConv2d conv1;
    private readonly TfSeparableConv2d conv2;
    private readonly TfSeparableConv2d conv3;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="isFirstLayer">True for the first block, whose first conv is a plain 3x3 conv.</param>
    public DenseBlock4(int inChannels, int outChannels, bool isFirstLayer)
        : base(nameof(DenseBlock4))
    {
        conv0 = isFirstLayer ? new TfConv2d(inChannels, outChannels, 3, 2, TfPadding.Same) : new TfSeparableConv2d(inChannels, outChannels, 2);
        conv1 = new TfSeparableConv2d(outChannels, outChannels);
        conv2 = new TfSeparableConv2d(outChannels, outChannels);
        conv3 = new TfSeparableConv2d(outChannels, outChannels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var out1 = nn.functional.relu(conv0.forward(input));
        var out2 = conv1.forward(out1);
        var out3 = conv2.forward(nn.functional.relu(out1 + out2));
        var out4 = conv3.forward(nn.functional.relu(out1 + (out2 + out3)));
        return nn.functional.relu(out1 + (out2 + (out3 + out4))).MoveToOuterDisposeScope();
    }
}
