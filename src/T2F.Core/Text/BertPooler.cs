using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>BERT's pooler: <c>tanh(dense(h[:, 0]))</c>, the [CLS] vector through a trained layer (Hugging Face <c>BertPooler</c>).</summary>
internal sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    /// <summary>Creates the pooler.</summary>
    /// <param name="config">Sizes.</param>
    public BertPooler(BertConfig config)
        : base(nameof(BertPooler))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        register_module("dense", dense);
    }

    /// <summary>Pools a sequence.</summary>
    /// <param name="hidden">Last hidden state <c>[B, T, H]</c>.</param>
    /// <returns><c>[B, H]</c>.</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var first = hidden.select(1, 0);   // [B, H]
        using var projected = dense.forward(first);
        return projected.tanh();
    }
}
