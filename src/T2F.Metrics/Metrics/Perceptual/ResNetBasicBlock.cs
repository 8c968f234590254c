using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Perceptual;

/// <summary>
/// A ResNet basic block (conv3x3 → BN → ReLU → conv3x3 → BN, plus the identity or a 1x1 strided conv + BN, then ReLU)
/// with torchvision's names (<c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>downsample.0</c>, <c>downsample.1</c>).
/// A strided block pads its first conv CNTK-style, one row and column before and none after (the ONNX graph's
/// <c>pads = [1, 1, 0, 0]</c>), not torchvision's one on each side.
/// </summary>
internal sealed class ResNetBasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;
    private readonly int stride;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="stride">1, or 2 for the first block of layers 2 to 4 (which then has a downsampling shortcut).</param>
    public ResNetBasicBlock(int inChannels, int outChannels, int stride)
        : base(nameof(ResNetBasicBlock))
    {
        this.stride = stride;
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: stride == 1 ? 1L : 0L, bias: false);
        bn1 = nn.BatchNorm2d(outChannels, eps: 1e-5);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels, eps: 1e-5);
        if (stride != 1 || inChannels != outChannels)
        {
            downsample = nn.Sequential(
                ("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
                ("1", nn.BatchNorm2d(outChannels, eps: 1e-5)));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var padded = stride == 1 ? input : nn.functional.pad(input, new long[] { 1, 0, 1, 0 });
        var y = nn.functional.relu(bn1.forward(conv1.forward(padded)));
        y = bn2.forward(conv2.forward(y));
        var shortcut = downsample is null ? input : downsample.forward(input);
        return nn.functional.relu(y + shortcut).MoveToOuterDisposeScope();
    }
}
