namespace T2F.Core.Training;

/// <summary>Progress of <see cref="AttributeClassifierTrainer.Train"/>, reported after every batch.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Batch">1-based batch within the epoch.</param>
/// <param name="BatchesPerEpoch">Batches per epoch.</param>
/// <param name="Loss">Masked binary cross-entropy of the batch.</param>
public sealed record AttributeTrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, double Loss);
