using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// An in-memory image set [N, 3, R, R], walked in a seeded random order that is reshuffled every epoch; batch
/// contents depend only on (seed, step).
/// </summary>
public sealed class TensorImageSource : ITrainingImageSource, IDisposable
{
    private readonly Tensor images;
    private readonly EpochOrder order;

    /// <summary>Wraps <paramref name="images"/> (copied).</summary>
    /// <param name="images">[N, 3, R, R] in [-1, 1].</param>
    /// <param name="seed">Shuffle seed.</param>
    public TensorImageSource(Tensor images, long seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] != images.shape[3])
        {
            throw new ArgumentException($"Images must be [N, 3, R, R]; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        this.images = images.detach().clone().DetachFromDisposeScope();
        order = new EpochOrder((int)images.shape[0], seed);
    }

    /// <inheritdoc />
    public int Resolution => (int)images.shape[2];

    /// <inheritdoc />
    public int Count => (int)images.shape[0];

    /// <inheritdoc />
    public Tensor GetBatch(long step, int batchSize)
    {
        using var index = torch.tensor(order.Batch(step, batchSize));
        return images.index_select(0, index);
    }

    /// <inheritdoc />
    public void Dispose() => images.Dispose();
}
