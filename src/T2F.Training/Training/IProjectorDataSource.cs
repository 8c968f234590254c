using T2F.Core.Data;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>Ground-truth images with their descriptions (several per image), as a pure function of the step.</summary>
public interface IProjectorDataSource
{
    /// <summary>Image resolution R.</summary>
    int Resolution { get; }

    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>The images [B, 3, R, R] in [-1, 1] of step <paramref name="step"/> and one caption per image.</summary>
    /// <param name="step">Step.</param>
    /// <param name="batchSize">B.</param>
    (Tensor Images, IReadOnlyList<string> Captions) GetBatch(long step, int batchSize);

    /// <summary>
    /// The ground-truth attributes of the same images, in the same order as <see cref="GetBatch"/> of the same step
    /// and size, or null when the source has no labels (then the projector cannot be trained with an attribute term).
    /// </summary>
    /// <param name="step">Step.</param>
    /// <param name="batchSize">B.</param>
    IReadOnlyList<AttributeSet>? GetAttributes(long step, int batchSize) => null;
}
