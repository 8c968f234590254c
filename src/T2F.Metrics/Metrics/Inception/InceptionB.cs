using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Inception;

/// <summary>torchvision's <c>InceptionB</c> (Mixed_6a, unpatched in pytorch-fid): grid reduction 35 → 17, channels in + 384 + 96.</summary>
internal sealed class InceptionB : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3;
    private readonly BasicConv2d branch3x3dbl_1;
    private readonly BasicConv2d branch3x3dbl_2;
    private readonly BasicConv2d branch3x3dbl_3;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    public InceptionB(int inChannels)
        : base(nameof(InceptionB))
    {
        branch3x3 = new BasicConv2d(inChannels, 384, 3, stride: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var b3 = branch3x3.forward(x);
        var bd = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        var bp = InceptionPooling.MaxPool3x3Stride2(x);
        return torch.cat(new[] { b3, bd, bp }, 1).MoveToOuterDisposeScope();
    }
}
