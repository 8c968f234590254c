using T2F.Core.Data;
using T2F.Core.Metrics.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// Trains an <see cref="AttributeClassifier"/> with binary cross-entropy on its
/// <see cref="AttributeClassifier.TrainedAttributes"/> (the other outputs are masked out of the loss), with Adam,
/// seeded shuffling and flips: the same inputs and options give the same weights on the same machine.
/// </summary>
public static class AttributeClassifierTrainer
{
    /// <summary>Trains <paramref name="classifier"/> in place.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="images">[N, 3, H, W] training images in [-1, 1].</param>
    /// <param name="labels">N attribute sets (the ground truth of each image).</param>
    /// <param name="options">Epochs, batch, learning rate, seed.</param>
    /// <param name="progress">Receives the loss after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>The mean loss of the last epoch.</returns>
    public static double Train(AttributeClassifier classifier, Tensor images, IReadOnlyList<AttributeSet> labels, AttributeTrainingOptions? options = null, IProgress<AttributeTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new AttributeTrainingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        long n = images.shape[0];
        if (n != labels.Count || n == 0)
        {
            throw new ArgumentException($"Need one label set per image and at least one image; got {n} images and {labels.Count} label sets.", nameof(labels));
        }

        var target = LabelTensor(labels).to(images.device).DetachFromDisposeScope();
        var mask = LabelTensor([classifier.TrainedAttributes]).to(images.device).DetachFromDisposeScope();
        using var optimizer = new AdamOptimizer(classifier.named_parameters().Select(p => (p.name, p.parameter)), options.LearningRate, 0.9, 0.999);
        using var generator = new Generator((ulong)options.Seed);
        int batches = (int)((n + options.BatchSize - 1) / options.BatchSize);
        double epochLoss = 0;
        classifier.train();
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                using var epochScope = torch.NewDisposeScope();
                var order = torch.randperm(n, generator: generator);
                var flips = torch.rand(n, generator: generator) < 0.5;
                epochLoss = 0;
                for (int b = 0; b < batches; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = torch.NewDisposeScope();
                    var index = order[TensorIndex.Slice(b * (long)options.BatchSize, Math.Min((b + 1) * (long)options.BatchSize, n))].to(images.device);
                    var x = images.index_select(0, index);
                    if (options.HorizontalFlip)
                    {
                        var flip = flips.index_select(0, index.cpu()).to(images.device).reshape(-1, 1, 1, 1);
                        x = torch.where(flip, x.flip(3), x);
                    }

                    var y = target.index_select(0, index);
                    var logits = classifier.forward(x);
                    var loss = MaskedLoss(logits, y, mask);
                    optimizer.ZeroGrad();
                    loss.backward();
                    optimizer.Step();
                    double value = loss.item<float>();
                    epochLoss += value / batches;
                    progress?.Report(new AttributeTrainingProgress(epoch, b + 1, batches, value));
                }
            }
        }
        finally
        {
            target.Dispose();
            mask.Dispose();
            classifier.eval();
        }

        return epochLoss;
    }

    /// <summary>Loads every image of <paramref name="dataset"/> into one [N, 3, R, R] tensor with its attribute sets (decoded in parallel).</summary>
    /// <param name="dataset">The data set (its resolution sets R).</param>
    /// <param name="limit">At most this many images (default all).</param>
    public static (Tensor Images, IReadOnlyList<AttributeSet> Labels) LoadAll(FaceImageDataset dataset, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int n = Math.Min(dataset.Count, limit ?? int.MaxValue);
        int r = dataset.Resolution;
        int size = 3 * r * r;
        var pixels = new float[(long)n * size];
        Parallel.For(0, n, i => dataset.LoadPixels(i, false, pixels.AsSpan(i * size, size)));
        var labels = Enumerable.Range(0, n).Select(i => dataset[i].Attributes).ToArray();
        return (torch.tensor(pixels, [n, 3, r, r]), labels);
    }

    /// <summary>
    /// Mean binary cross-entropy over the attributes <paramref name="mask"/> marks (1) and every row: the loss of the
    /// classifier's training and of the projector's attribute term, so both weigh attributes the same way.
    /// </summary>
    /// <param name="logits">[N, 40] logits.</param>
    /// <param name="targets">[N, 40] 0/1 labels.</param>
    /// <param name="mask">[1, 40] 0/1: the attributes that count.</param>
    /// <param name="positiveWeight">[1, 40] weight of each attribute's presence term (class balance), or null for 1.</param>
    internal static Tensor MaskedLoss(Tensor logits, Tensor targets, Tensor mask, Tensor? positiveWeight = null)
    {
        var perElement = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None, pos_weights: positiveWeight) * mask;
        return perElement.sum() / (mask.sum() * logits.shape[0]);
    }

    /// <summary>[N, 40] float32 labels (1 present, 0 absent).</summary>
    /// <param name="labels">Attribute sets.</param>
    public static Tensor LabelTensor(IReadOnlyList<AttributeSet> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var values = new float[labels.Count * CelebAAttributes.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            labels[i].CopyTo(values.AsSpan(i * CelebAAttributes.Count, CelebAAttributes.Count));
        }

        return torch.tensor(values, [labels.Count, CelebAAttributes.Count]);
    }
}
