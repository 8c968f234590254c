using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionE_1</c> (Mixed_7b: average pool ignoring the padding) and <c>FIDInceptionE_2</c>
/// (Mixed_7c: max pool, as the TF graph that FID was defined on has it). Output 320 + 768 + 768 + 192 = 2048 channels.
/// </summary>
internal sealed class FidInceptionE : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch3x3_1;
    private readonly BasicConv2d branch3x3_2a;
    private readonly BasicConv2d branch3x3_2b;
    private readonly BasicConv2d branch3x3dbl_1;
    private readonly BasicConv2d branch3x3dbl_2;
    private readonly BasicConv2d branch3x3dbl_3a;
    private readonly BasicConv2d branch3x3dbl_3b;
    private readonly BasicConv2d branch_pool;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="maxPool">True for FIDInceptionE_2 (Mixed_7c), false for FIDInceptionE_1 (Mixed_7b).</param>
    public FidInceptionE(int inChannels, bool maxPool)
        : base(nameof(FidInceptionE))
    {
        MaxPool = maxPool;
        branch1x1 = new BasicConv2d(inChannels, 320, 1);
        branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    /// <summary>True for the max-pool variant (FIDInceptionE_2).</summary>
    public bool MaxPool { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b3 = branch3x3_1.forward(x);
        b3 = torch.cat(new[] { branch3x3_2a.forward(b3), branch3x3_2b.forward(b3) }, 1);
        var bd = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        bd = torch.cat(new[] { branch3x3dbl_3a.forward(bd), branch3x3dbl_3b.forward(bd) }, 1);
        var pooled = MaxPool ? InceptionPooling.MaxPool3x3(x) : InceptionPooling.AveragePool3x3(x);
        var bp = branch_pool.forward(pooled);
        return torch.cat(new[] { b1, b3, bd, bp }, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => MaxPool ? "FidInceptionE_2" : "FidInceptionE_1";
}
