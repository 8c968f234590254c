using T2F.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// Training batches from a CelebA-layout folder (real CelebA or SynthFaces): a seeded per-epoch order, images decoded
/// on all cores. Batch contents depend only on (seed, step), so resumed runs see the same data.
/// </summary>
public sealed class FaceDatasetImageSource : ITrainingImageSource
{
    private readonly FaceImageDataset dataset;
    private readonly EpochOrder order;

    /// <summary>Wraps an opened dataset.</summary>
    /// <param name="dataset">The faces.</param>
    /// <param name="seed">Shuffle seed.</param>
    public FaceDatasetImageSource(FaceImageDataset dataset, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        this.dataset = dataset;
        order = new EpochOrder(dataset.Count, seed);
    }

    /// <inheritdoc />
    public int Resolution => dataset.Resolution;

    /// <inheritdoc />
    public int Count => dataset.Count;

    /// <inheritdoc />
    public Tensor GetBatch(long step, int batchSize)
    {
        var indices = order.Batch(step, batchSize);
        int plane = 3 * Resolution * Resolution;
        var pixels = new float[batchSize * plane];
        Parallel.For(0, batchSize, i => dataset.LoadPixels((int)indices[i], false, pixels.AsSpan(i * plane, plane)));
        return torch.tensor(pixels, new long[] { batchSize, 3, Resolution, Resolution });
    }
}
