namespace T2F.Core.Training;

/// <summary>One progress report of a training run.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="ImagesPerSecond">Training throughput (real images per second) since the run (or resume) started.</param>
/// <param name="Losses">Named losses of the last step.</param>
/// <param name="Eta">Estimated time to completion.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, double ImagesPerSecond, IReadOnlyDictionary<string, double> Losses, TimeSpan Eta);
