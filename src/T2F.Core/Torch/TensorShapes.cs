using static TorchSharp.torch;

namespace T2F.Core.Torch;

/// <summary>Shape checks at module boundaries, with both shapes in the message.</summary>
internal static class TensorShapes
{
    public static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    public static string Format(Tensor t) => Format(t.shape);

    public static void Expect(Tensor t, int rank, string what, string expected)
    {
        if (t.dim() != rank)
        {
            throw new ArgumentException($"{what}: expected {expected}, got {Format(t)}.");
        }
    }

    public static void ExpectDim(Tensor t, int dim, long size, string what, string expected)
    {
        if (t.dim() <= dim || t.shape[dim] != size)
        {
            throw new ArgumentException($"{what}: expected {expected}, got {Format(t)}.");
        }
    }
}
