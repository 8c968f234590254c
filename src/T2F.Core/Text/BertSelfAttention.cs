using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Text;

/// <summary>
/// Multi-head self-attention with separate query, key and value projections (Hugging Face
/// <c>BertSelfAttention</c>): <c>softmax(Q Kᵀ / sqrt(head size) + mask) V</c>, heads concatenated.
/// </summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int heads;
    private readonly int headSize;
    private readonly double scale;

    /// <summary>Creates the layer.</summary>
    /// <param name="config">Sizes.</param>
    public BertSelfAttention(BertConfig config)
        : base(nameof(BertSelfAttention))
    {
        ArgumentNullException.ThrowIfNull(config);
        heads = config.NumAttentionHeads;
        headSize = config.HeadSize;
        scale = 1.0 / Math.Sqrt(headSize);
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        register_module("query", query);
        register_module("key", key);
        register_module("value", value);
    }

    /// <summary>Attends over the sequence.</summary>
    /// <param name="hidden"><c>[B, T, H]</c>.</param>
    /// <param name="additiveMask"><c>[B, 1, 1, T]</c>: 0 for tokens, a large negative number for padding.</param>
    /// <returns>The context <c>[B, T, H]</c>.</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        long b = hidden.shape[0], t = hidden.shape[1];
        using var q = SplitHeads(query.forward(hidden), b, t);                   // [B, heads, T, d]
        using var k = SplitHeads(key.forward(hidden), b, t);                     // [B, heads, T, d]
        using var v = SplitHeads(value.forward(hidden), b, t);                   // [B, heads, T, d]
        using var kt = k.transpose(-1, -2);                                      // [B, heads, d, T]
        using Scalar scaling = scale; // explicit: see BertIntermediate
        using var scores = q.matmul(kt).mul_(scaling).add_(additiveMask);          // [B, heads, T, T]
        using var probs = scores.softmax(-1);
        using var context = probs.matmul(v);                                     // [B, heads, T, d]
        using var merged = context.permute(0, 2, 1, 3);                          // [B, T, heads, d]
        return merged.reshape(b, t, heads * headSize);
    }

    /// <inheritdoc />
    public override string ToString() => $"BertSelfAttention(heads={heads}, head_size={headSize})";

    private Tensor SplitHeads(Tensor x, long b, long t)
    {
        using (x)
        {
            using var view = x.view(b, t, heads, headSize);
            return view.permute(0, 2, 1, 3);
        }
    }
}
