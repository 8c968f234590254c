namespace T2F.Core.Training;

/// <summary>What <see cref="TrainingLoop"/> needs from a step-based trainer (StyleGAN2, projector).</summary>
internal interface ITrainingRun
{
    /// <summary>Steps completed.</summary>
    long Step { get; }

    /// <summary>The run's checkpoint file (named in the divergence error).</summary>
    string CheckpointPath { get; }

    /// <summary>Runs step <see cref="Step"/>, advances <see cref="Step"/> by one and returns the step's named losses.</summary>
    IReadOnlyDictionary<string, double> Advance();

    /// <summary>Writes a sample grid for the current step.</summary>
    void SaveSampleGrid();

    /// <summary>Writes the checkpoint atomically.</summary>
    void SaveCheckpoint();
}
