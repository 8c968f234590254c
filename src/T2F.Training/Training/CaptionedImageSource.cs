using T2F.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// In-memory images [N, 3, R, R] with one or more captions each; every visit of an image picks one of its captions
/// at random, seeded by (seed, step, slot), as the paper samples descriptions each epoch.
/// </summary>
public sealed class CaptionedImageSource : IProjectorDataSource, IDisposable
{
    private readonly Tensor images;
    private readonly IReadOnlyList<IReadOnlyList<string>> captions;
    private readonly IReadOnlyList<AttributeSet>? attributes;
    private readonly EpochOrder order;
    private readonly long seed;

    /// <summary>Creates the source.</summary>
    /// <param name="images">[N, 3, R, R] in [-1, 1] (copied).</param>
    /// <param name="captions">N lists of at least one caption.</param>
    /// <param name="seed">Order and caption seed.</param>
    /// <param name="attributes">Optional ground-truth attributes of the N images (for the projector's attribute term).</param>
    public CaptionedImageSource(Tensor images, IReadOnlyList<IReadOnlyList<string>> captions, long seed, IReadOnlyList<AttributeSet>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(captions);
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[0] != captions.Count)
        {
            throw new ArgumentException($"Need [N, 3, R, R] images and N caption lists; got [{string.Join(", ", images.shape)}] and {captions.Count}.");
        }

        for (int i = 0; i < captions.Count; i++)
        {
            if (captions[i] is null || captions[i].Count == 0 || captions[i].Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException($"Image {i} has no usable caption; every image needs at least one non-empty description.", nameof(captions));
            }
        }

        if (attributes is not null && attributes.Count != captions.Count)
        {
            throw new ArgumentException($"Got {attributes.Count} attribute sets for {captions.Count} images; give one per image or none.", nameof(attributes));
        }

        this.attributes = attributes;
        this.images = images.detach().clone().DetachFromDisposeScope();
        this.captions = captions;
        this.seed = seed;
        order = new EpochOrder(captions.Count, seed);
    }

    /// <inheritdoc />
    public int Resolution => (int)images.shape[2];

    /// <inheritdoc />
    public int Count => captions.Count;

    /// <inheritdoc />
    public (Tensor Images, IReadOnlyList<string> Captions) GetBatch(long step, int batchSize)
    {
        var indices = order.Batch(step, batchSize);
        var chosen = new string[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            var options = captions[(int)indices[i]];
            chosen[i] = options[new DeterministicRandom(DeterministicRandom.Derive(seed, step, i)).Next(options.Count)];
        }

        using var index = torch.tensor(indices);
        return (images.index_select(0, index), chosen);
    }

    /// <inheritdoc />
    public IReadOnlyList<AttributeSet>? GetAttributes(long step, int batchSize)
        => attributes is null ? null : order.Batch(step, batchSize).Select(i => attributes[(int)i]).ToArray();

    /// <inheritdoc />
    public void Dispose() => images.Dispose();
}
