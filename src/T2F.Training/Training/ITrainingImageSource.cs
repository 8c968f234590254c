using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// Real images for training, as a pure function of (step, batch size): the same step always gives the same batch,
/// so a resumed run sees exactly the data a straight run would.
/// </summary>
public interface ITrainingImageSource
{
    /// <summary>Image resolution R.</summary>
    int Resolution { get; }

    /// <summary>Number of distinct images.</summary>
    int Count { get; }

    /// <summary>The batch of step <paramref name="step"/>: [batchSize, 3, R, R] in [-1, 1].</summary>
    /// <param name="step">Training step (0-based).</param>
    /// <param name="batchSize">Batch size.</param>
    Tensor GetBatch(long step, int batchSize);
}
