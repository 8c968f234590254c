using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Inception;

/// <summary>torchvision's <c>InceptionD</c> (Mixed_7a, unpatched in pytorch-fid): grid reduction 17 → 8, channels in + 320 + 192.</summary>
internal sealed class InceptionD : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3_1;
    private readonly BasicConv2d branch3x3_2;
    private readonly BasicConv2d branch7x7x3_1;
    private readonly BasicConv2d branch7x7x3_2;
    private readonly BasicConv2d branch7x7x3_3;
    private readonly BasicConv2d branch7x7x3_4;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    public InceptionD(int inChannels)
        : base(nameof(InceptionD))
    {
        branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2);
        branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3));
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0));
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var b3 = branch3x3_2.forward(branch3x3_1.forward(x));
        var b7 = branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(branch7x7x3_1.forward(x))));
        var bp = InceptionPooling.MaxPool3x3Stride2(x);
        return torch.cat(new[] { b3, b7, bp }, 1).MoveToOuterDisposeScope();
    }
}
