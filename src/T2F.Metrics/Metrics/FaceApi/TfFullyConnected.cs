using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Metrics.FaceApi;

/// <summary><c>x @ weights + bias</c> with TF's <c>[in, out]</c> weight layout. Parameters <c>weights</c> and <c>bias</c>.</summary>
internal sealed class TfFullyConnected : Module<Tensor, Tensor>
{
    private readonly Parameter weights;
    private readonly Parameter bias;

    /// <summary>Creates the layer with zero weights (load weights before use).</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    public TfFullyConnected(int inFeatures, int outFeatures)
        : base(nameof(TfFullyConnected))
    {
        weights = new Parameter(torch.zeros(inFeatures, outFeatures), requires_grad: false);
        bias = new Parameter(torch.zeros(outFeatures), requires_grad: false);
        register_parameter("weights", weights);
        register_parameter("bias", bias);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var product = input.matmul(weights);
        return product + bias;
    }
}
