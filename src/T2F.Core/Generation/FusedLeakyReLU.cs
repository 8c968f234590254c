using TorchSharp;
using TorchSharp.Modules;
using T2F.Core.Ops;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Generation;

/// <summary>
/// The reference's <c>FusedLeakyReLU(channel, bias)</c> module (rosinality <c>op/fused_act.py</c>), named as in its checkpoints:
/// owns <c>bias [C]</c> (init 0) and applies the bias_act op (<see cref="BiasAct"/>, slope 0.2, gain sqrt 2).
/// </summary>
internal sealed class FusedLeakyReLU : Module<Tensor, Tensor>
{
    private readonly Parameter? bias;

    /// <summary>Creates the module.</summary>
    /// <param name="channels">Channel count C.</param>
    /// <param name="useBias">Whether it owns a bias.</param>
    public FusedLeakyReLU(int channels, bool useBias = true)
        : base("FusedLeakyReLU")
    {
        Channels = channels;
        if (useBias)
        {
            bias = new Parameter(torch.zeros(channels));
            register_parameter("bias", bias);
        }
    }

    /// <summary>Channel count.</summary>
    public int Channels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => BiasAct.Apply(input, bias);

    /// <inheritdoc />
    public override string ToString() => $"FusedLeakyReLU({Channels})";
}
