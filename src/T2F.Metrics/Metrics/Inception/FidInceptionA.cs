using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionA</c> (Mixed_5b/5c/5d): torchvision's InceptionA with an average pool that ignores
/// the padding. Output channels 64 + 64 + 96 + <c>poolFeatures</c>.
/// </summary>
internal sealed class FidInceptionA : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch5x5_1;
    private readonly BasicConv2d branch5x5_2;
    private readonly BasicConv2d branch3x3dbl_1;
    private readonly BasicConv2d branch3x3dbl_2;
    private readonly BasicConv2d branch3x3dbl_3;
    private readonly BasicConv2d branch_pool;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="poolFeatures">Channels of the pool branch.</param>
    public FidInceptionA(int inChannels, int poolFeatures)
        : base(nameof(FidInceptionA))
    {
        branch1x1 = new BasicConv2d(inChannels, 64, 1);
        branch5x5_1 = new BasicConv2d(inChannels, 48, 1);
        branch5x5_2 = new BasicConv2d(48, 64, 5, padding: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, padding: 1);
        branch_pool = new BasicConv2d(inChannels, poolFeatures, 1);
        OutChannels = 64 + 64 + 96 + poolFeatures;
        RegisterComponents();
    }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b5 = branch5x5_2.forward(branch5x5_1.forward(x));
        var b3 = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        var bp = branch_pool.forward(InceptionPooling.AveragePool3x3(x));
        return torch.cat(new[] { b1, b5, b3, bp }, 1).MoveToOuterDisposeScope();
    }
}
