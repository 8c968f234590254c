using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>One transformer encoder layer: attention block, then feed-forward block (Hugging Face <c>BertLayer</c>).</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertOutput output;

    /// <summary>Creates the layer.</summary>
    /// <param name="config">Sizes.</param>
    public BertLayer(BertConfig config)
        : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertOutput(config);
        register_module("attention", attention);
        register_module("intermediate", intermediate);
        register_module("output", output);
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="hidden"><c>[B, T, H]</c>.</param>
    /// <param name="additiveMask"><c>[B, 1, 1, T]</c>.</param>
    /// <returns><c>[B, T, H]</c>.</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var attended = attention.forward(hidden, additiveMask);
        using var expanded = intermediate.forward(attended);
        return output.forward(expanded, attended);
    }
}
