using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// The recognition net's conv layer (<c>faceRecognitionNet/convLayer.ts</c>): conv + bias → scale → optional ReLU.
/// Submodules <c>conv</c> (<see cref="TfConv2d"/>) and <c>scale</c> (<see cref="ScaleLayer"/>).
/// </summary>
internal sealed class ScaledConvLayer : Module<Tensor, Tensor>
{
    private readonly TfConv2d conv;
    private readonly ScaleLayer scale;

    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">TF padding mode.</param>
    /// <param name="relu">Whether a ReLU follows.</param>
    public ScaledConvLayer(int inChannels, int outChannels, int kernel, int stride, TfPadding padding, bool relu)
        : base(nameof(ScaledConvLayer))
    {
        Relu = relu;
        conv = new TfConv2d(inChannels, outChannels, kernel, stride, padding);
        scale = new ScaleLayer(outChannels);
        RegisterComponents();
    }

    /// <summary>Whether a ReLU follows.</summary>
    public bool Relu { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var c = conv.forward(input);
        var s = scale.forward(c);
        if (!Relu)
        {
            return s;
        }

        using (s)
        {
            return nn.functional.relu(s);
        }
    }
}
