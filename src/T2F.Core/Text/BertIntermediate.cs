using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>The feed-forward expansion and its activation (Hugging Face <c>BertIntermediate</c>).</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly string activation;

    /// <summary>Creates the layer.</summary>
    /// <param name="config">Sizes and <see cref="BertConfig.HiddenAct"/>.</param>
    public BertIntermediate(BertConfig config)
        : base(nameof(BertIntermediate))
    {
        ArgumentNullException.ThrowIfNull(config);
        activation = config.HiddenAct;
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        register_module("dense", dense);
    }

    /// <summary><c>act(dense(x))</c>.</summary>
    /// <param name="hidden"><c>[B, T, H]</c>.</param>
    /// <returns><c>[B, T, intermediate]</c>.</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var x = dense.forward(hidden);
        return activation switch
        {
            "gelu" => nn.functional.gelu(x),          // exact: x * Φ(x), the erf form
            "relu" => nn.functional.relu(x),
            _ => GeluTanh(x),                          // gelu_new / gelu_pytorch_tanh
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"BertIntermediate({activation})";

    // 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))), as Hugging Face's NewGELUActivation.
    private static Tensor GeluTanh(Tensor x)
    {
        // Explicit Scalars, disposed after use (see EqualLinear: an implicit one may be finalized mid-call).
        using Scalar three = 3, cubic = 0.044715, root = Math.Sqrt(2.0 / Math.PI), one = 1.0, half = 0.5;
        using var inner = x.pow(three).mul_(cubic).add_(x).mul_(root);
        using var t = inner.tanh().add_(one);
        return x.mul(t).mul_(half);
    }
}
