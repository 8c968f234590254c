using T2F.Core.Text;
using static TorchSharp.torch;

namespace T2F.Core.Tests.TestSupport;

/// <summary>A deterministic stand-in for BERT in tests: each text hashes to a fixed random vector.</summary>
public sealed class HashTextEncoder(int size) : ITextEncoder
{
    public int EmbeddingSize => size;

    public Tensor Encode(IReadOnlyList<string> texts)
    {
        var values = new float[texts.Count * size];
        for (int i = 0; i < texts.Count; i++)
        {
            var rng = new Random(texts[i].Aggregate(17, (h, c) => unchecked((h * 31) + c)));
            for (int j = 0; j < size; j++)
            {
                values[(i * size) + j] = (float)((rng.NextDouble() * 2) - 1);
            }
        }

        return tensor(values, new long[] { texts.Count, size });
    }

    public void Dispose()
    {
    }
}
