namespace T2F.Core.Training;

/// <summary>Options of <see cref="AttributeClassifierTrainer.Train"/>.</summary>
public sealed record AttributeTrainingOptions
{
    /// <summary>Passes over the training images (default 6).</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Batch size (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate (default 0.002).</summary>
    public double LearningRate { get; init; } = 0.002;

    /// <summary>Seed of the shuffling and flips (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Mirror half of each batch horizontally (default true).</summary>
    public bool HorizontalFlip { get; init; } = true;
}
