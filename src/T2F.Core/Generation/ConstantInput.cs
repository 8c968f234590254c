using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>The learned 4x4 starting tensor <c>input [1, C, size, size]</c>, repeated over the batch (rosinality <c>model.py</c> <c>ConstantInput</c>).</summary>
internal sealed class ConstantInput : Module<long, Tensor>
{
    private readonly Parameter input;

    /// <summary>Creates the module (values ~ N(0,1)).</summary>
    /// <param name="channels">Channels C.</param>
    /// <param name="size">Spatial size (4).</param>
    public ConstantInput(int channels, int size = 4)
        : base(nameof(ConstantInput))
    {
        Channels = channels;
        input = new Parameter(ParameterInit.Normal(1, channels, size, size));
        register_parameter("input", input);
    }

    /// <summary>Channels.</summary>
    public int Channels { get; }

    /// <summary>Returns the constant repeated <paramref name="batch"/> times: [batch, C, size, size].</summary>
    /// <param name="batch">Batch size.</param>
    public override Tensor forward(long batch) => ModuleTrace.Report(this, input.repeat(batch, 1, 1, 1));
}
