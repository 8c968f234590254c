using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>Attention output projection, residual and LayerNorm (Hugging Face <c>BertSelfOutput</c>).</summary>
internal sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    // The field's name is the Hugging Face state-dict key ("...output.LayerNorm.weight"): TorchSharp also registers
    // submodules under their field names, so a camelCase field would add a second, unmatched key.
#pragma warning disable IDE1006
    private readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006

    /// <summary>Creates the layer.</summary>
    /// <param name="config">Sizes.</param>
    public BertSelfOutput(BertConfig config)
        : base(nameof(BertSelfOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module("dense", dense);
        register_module("LayerNorm", LayerNorm);
    }

    /// <summary><c>LayerNorm(dense(context) + input)</c>.</summary>
    /// <param name="context">Attention context <c>[B, T, H]</c>.</param>
    /// <param name="input">The layer's input <c>[B, T, H]</c> (residual).</param>
    /// <returns><c>[B, T, H]</c>.</returns>
    public override Tensor forward(Tensor context, Tensor input)
    {
        using var projected = dense.forward(context);
        using var residual = projected.add_(input);
        return LayerNorm.forward(residual);
    }
}
