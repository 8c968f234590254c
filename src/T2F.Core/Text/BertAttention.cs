using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>Self-attention followed by its output projection (Hugging Face <c>BertAttention</c>).</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertSelfOutput output;

    /// <summary>Creates the block.</summary>
    /// <param name="config">Sizes.</param>
    public BertAttention(BertConfig config)
        : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertSelfOutput(config);
        register_module("self", self);
        register_module("output", output);
    }

    /// <summary>Runs attention, projection, residual and LayerNorm.</summary>
    /// <param name="hidden"><c>[B, T, H]</c>.</param>
    /// <param name="additiveMask"><c>[B, 1, 1, T]</c>.</param>
    /// <returns><c>[B, T, H]</c>.</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var context = self.forward(hidden, additiveMask);
        return output.forward(context, hidden);
    }
}
