using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>The stack of encoder layers, named <c>layer.0</c> ... <c>layer.N-1</c> (Hugging Face <c>BertEncoder</c>).</summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    /// <summary>Creates the stack.</summary>
    /// <param name="config">Sizes and depth.</param>
    public BertEncoder(BertConfig config)
        : base(nameof(BertEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        register_module("layer", layer);
    }

    /// <summary>The layers.</summary>
    public IReadOnlyList<BertLayer> Layers => layer.ToList();

    /// <summary>Runs every layer in turn.</summary>
    /// <param name="hidden"><c>[B, T, H]</c>.</param>
    /// <param name="additiveMask"><c>[B, 1, 1, T]</c>.</param>
    /// <returns><c>[B, T, H]</c>.</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        var x = hidden;
        foreach (var l in layer)
        {
            var next = l.forward(x, additiveMask);
            if (!ReferenceEquals(x, hidden))
            {
                x.Dispose();
            }

            x = next;
        }

        return ReferenceEquals(x, hidden) ? hidden.alias() : x;
    }
}
