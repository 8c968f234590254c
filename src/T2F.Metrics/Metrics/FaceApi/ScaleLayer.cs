using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>dlib's affine layer (a folded BatchNorm): <c>x · weights + biases</c> per channel. Parameters <c>weights</c>, <c>biases</c>.</summary>
internal sealed class ScaleLayer : Module<Tensor, Tensor>
{
    private readonly Parameter weights;
    private readonly Parameter biases;

    /// <summary>Creates the layer (identity).</summary>
    /// <param name="channels">Channels.</param>
    public ScaleLayer(int channels)
        : base(nameof(ScaleLayer))
    {
        weights = new Parameter(torch.ones(channels), requires_grad: false);
        biases = new Parameter(torch.zeros(channels), requires_grad: false);
        register_parameter("weights", weights);
        register_parameter("biases", biases);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var w = weights.view(1, -1, 1, 1);
        using var b = biases.view(1, -1, 1, 1);
        using var scaled = input * w;
        return scaled + b;
    }
}
