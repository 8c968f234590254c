using T2F.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// Image/description pairs from a CelebA-layout folder with captions (SynthFaces, or CelebA with Text2FaceGAN
/// captions): a seeded per-epoch order and one randomly chosen caption per visit.
/// </summary>
public sealed class FaceDatasetProjectorSource : IProjectorDataSource
{
    private readonly FaceImageDataset dataset;
    private readonly EpochOrder order;
    private readonly long seed;

    /// <summary>Wraps a dataset whose records all have captions.</summary>
    /// <param name="dataset">The faces.</param>
    /// <param name="seed">Order and caption seed.</param>
    public FaceDatasetProjectorSource(FaceImageDataset dataset, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var uncaptioned = dataset.Records.FirstOrDefault(r => r.Captions.Count == 0);
        if (uncaptioned is not null)
        {
            throw new ArgumentException($"{uncaptioned.ImagePath} has no caption; projector training needs a description for every image (a caps.txt or caption folder in the dataset).", nameof(dataset));
        }

        this.dataset = dataset;
        this.seed = seed;
        order = new EpochOrder(dataset.Count, seed);
    }

    /// <inheritdoc />
    public int Resolution => dataset.Resolution;

    /// <inheritdoc />
    public int Count => dataset.Count;

    /// <inheritdoc />
    public (Tensor Images, IReadOnlyList<string> Captions) GetBatch(long step, int batchSize)
    {
        var indices = order.Batch(step, batchSize);
        int plane = 3 * Resolution * Resolution;
        var pixels = new float[batchSize * plane];
        Parallel.For(0, batchSize, i => dataset.LoadPixels((int)indices[i], false, pixels.AsSpan(i * plane, plane)));
        var captions = new string[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            var options = dataset[(int)indices[i]].Captions;
            captions[i] = options[new DeterministicRandom(DeterministicRandom.Derive(seed, step, i)).Next(options.Count)];
        }

        return (torch.tensor(pixels, new long[] { batchSize, 3, Resolution, Resolution }), captions);
    }

    /// <inheritdoc />
    public IReadOnlyList<AttributeSet> GetAttributes(long step, int batchSize)
        => order.Batch(step, batchSize).Select(i => dataset[(int)i].Attributes).ToArray();
}
