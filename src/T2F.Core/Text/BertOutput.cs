using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>The feed-forward contraction, residual and LayerNorm (Hugging Face <c>BertOutput</c>).</summary>
internal sealed class BertOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    // The field's name is the Hugging Face state-dict key ("...output.LayerNorm.weight"): TorchSharp also registers
    // submodules under their field names, so a camelCase field would add a second, unmatched key.
#pragma warning disable IDE1006
    private readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006

    /// <summary>Creates the layer.</summary>
    /// <param name="config">Sizes.</param>
    public BertOutput(BertConfig config)
        : base(nameof(BertOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module("dense", dense);
        register_module("LayerNorm", LayerNorm);
    }

    /// <summary><c>LayerNorm(dense(intermediate) + input)</c>.</summary>
    /// <param name="intermediate"><c>[B, T, intermediate]</c>.</param>
    /// <param name="input">The attention block's output <c>[B, T, H]</c> (residual).</param>
    /// <returns><c>[B, T, H]</c>.</returns>
    public override Tensor forward(Tensor intermediate, Tensor input)
    {
        using var projected = dense.forward(intermediate);
        using var residual = projected.add_(input);
        return LayerNorm.forward(residual);
    }
}
