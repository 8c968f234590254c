using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionC</c> (Mixed_6b..6e): torchvision's InceptionC (factorised 7x7 convolutions) with an
/// average pool that ignores the padding. Output 768 channels.
/// </summary>
internal sealed class FidInceptionC : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch7x7_1;
    private readonly BasicConv2d branch7x7_2;
    private readonly BasicConv2d branch7x7_3;
    private readonly BasicConv2d branch7x7dbl_1;
    private readonly BasicConv2d branch7x7dbl_2;
    private readonly BasicConv2d branch7x7dbl_3;
    private readonly BasicConv2d branch7x7dbl_4;
    private readonly BasicConv2d branch7x7dbl_5;
    private readonly BasicConv2d branch_pool;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="channels7x7">Channels inside the 7x7 branches.</param>
    public FidInceptionC(int inChannels, int channels7x7)
        : base(nameof(FidInceptionC))
    {
        int c7 = channels7x7;
        branch1x1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7_2 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7_3 = new BasicConv2d(c7, 192, (7, 1), padding: (3, 0));
        branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7dbl_2 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_3 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7dbl_4 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_5 = new BasicConv2d(c7, 192, (1, 7), padding: (0, 3));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b7 = branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x)));
        var bd = branch7x7dbl_1.forward(x);
        bd = branch7x7dbl_5.forward(branch7x7dbl_4.forward(branch7x7dbl_3.forward(branch7x7dbl_2.forward(bd))));
        var bp = branch_pool.forward(InceptionPooling.AveragePool3x3(x));
        return torch.cat(new[] { b1, b7, bd, bp }, 1).MoveToOuterDisposeScope();
    }
}
