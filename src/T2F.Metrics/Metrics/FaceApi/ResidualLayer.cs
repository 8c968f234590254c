using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// The recognition net's residual blocks (<c>faceRecognitionNet/residualLayer.ts</c>). Submodules <c>conv1</c>, <c>conv2</c>.
/// <list type="bullet">
/// <item><c>residual</c>: conv3x3 SAME + ReLU, conv3x3 SAME, + x, ReLU.</item>
/// <item><c>residualDown</c>: conv3x3 stride 2 VALID + ReLU, conv3x3 SAME; shortcut avgPool 2x2 stride 2 of x with zero
/// channels appended when the width grows; when the main branch is one smaller than the shortcut (3 vs 4, 1 vs 2) it
/// gets a zero row at the bottom and a zero column at the right; sum, ReLU.</item>
/// </list>
/// </summary>
internal sealed class ResidualLayer : Module<Tensor, Tensor>
{
    private readonly ScaledConvLayer conv1;
    private readonly ScaledConvLayer conv2;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="down">True for <c>residualDown</c>.</param>
    public ResidualLayer(int inChannels, int outChannels, bool down)
        : base(nameof(ResidualLayer))
    {
        if (!down && inChannels != outChannels)
        {
            throw new ArgumentException($"A plain residual block keeps its width; got {inChannels} -> {outChannels}.", nameof(outChannels));
        }

        Down = down;
        InChannels = inChannels;
        OutChannels = outChannels;
        conv1 = down
            ? new ScaledConvLayer(inChannels, outChannels, 3, 2, TfPadding.Valid, relu: true)
            : new ScaledConvLayer(inChannels, outChannels, 3, 1, TfPadding.Same, relu: true);
        conv2 = new ScaledConvLayer(outChannels, outChannels, 3, 1, TfPadding.Same, relu: false);
        RegisterComponents();
    }

    /// <summary>True for <c>residualDown</c>.</summary>
    public bool Down { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var output = conv2.forward(conv1.forward(input));
        Tensor shortcut = input;
        if (Down)
        {
            shortcut = nn.functional.avg_pool2d(input, 2, 2);
            if (OutChannels > InChannels)
            {
                shortcut = nn.functional.pad(shortcut, new long[] { 0, 0, 0, 0, 0, OutChannels - InChannels });
            }

            long dh = shortcut.shape[2] - output.shape[2];
            long dw = shortcut.shape[3] - output.shape[3];
            if (dh != 0 || dw != 0)
            {
                output = nn.functional.pad(output, new long[] { 0, dw, 0, dh });
            }
        }

        return nn.functional.relu(output + shortcut).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => $"ResidualLayer({InChannels}, {OutChannels}{(Down ? ", down" : string.Empty)})";
}
