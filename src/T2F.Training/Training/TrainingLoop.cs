using System.Diagnostics;
using T2F.Core.IO;

namespace T2F.Core.Training;

/// <summary>
/// The loop both step-based trainers run: lock the run folder, step until <see cref="Steps"/>, stop on a non-finite
/// loss, log losses and progress, write sample grids and checkpoints on their cadences, and checkpoint before
/// returning on cancellation. One place, so resume, logging and divergence behave the same for every trainer.
/// </summary>
/// <param name="Steps">Total steps of the run.</param>
/// <param name="Batch">Real images per step (for images/s).</param>
/// <param name="LogEvery">Steps between loss-log rows and progress reports (and the last step).</param>
/// <param name="SampleEvery">Steps between sample grids; 0 writes none.</param>
/// <param name="CheckpointEvery">Steps between checkpoints (and the last step).</param>
internal sealed record TrainingLoop(long Steps, int Batch, int LogEvery, int SampleEvery, int CheckpointEvery)
{
    /// <summary>Trains <paramref name="run"/> up to <see cref="Steps"/>.</summary>
    /// <param name="run">The trainer.</param>
    /// <param name="runFolder">Run folder (locked while the loop runs).</param>
    /// <param name="lossFile">Loss CSV file name inside the run folder.</param>
    /// <param name="lossNames">Columns of the loss CSV, in order.</param>
    /// <param name="divergedAdvice">What to change before resuming after a non-finite loss (ends the error message).</param>
    /// <param name="progress">Progress sink.</param>
    /// <param name="cancellationToken">Stops after the current step, once a checkpoint is written.</param>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite.</exception>
    public void Run(ITrainingRun run, string runFolder, string lossFile, IReadOnlyList<string> lossNames, string divergedAdvice, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        using var runLock = RunFolderLock.Acquire(runFolder);
        var clock = Stopwatch.StartNew();
        long start = run.Step;
        using var csv = LossLog.Open(Path.Combine(runFolder, lossFile), lossNames, run.Step);
        while (run.Step < Steps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                run.SaveCheckpoint();
                return;
            }

            var losses = run.Advance();
            long step = run.Step;
            foreach (var (name, value) in losses)
            {
                if (!double.IsFinite(value))
                {
                    throw new TrainingDivergedException($"Loss {name} is {value} at step {step}; training stopped. The last good checkpoint is {(File.Exists(run.CheckpointPath) ? run.CheckpointPath : "none (no checkpoint was written yet)")}; {divergedAdvice} and resume.");
                }
            }

            double imagesPerSecond = (step - start) * Batch / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            if (step % LogEvery == 0 || step == Steps)
            {
                csv.Write(step, lossNames, losses, imagesPerSecond);
                var eta = TimeSpan.FromSeconds((Steps - step) * Batch / Math.Max(1e-9, imagesPerSecond));
                progress?.Report(new TrainingProgress(step, Steps, imagesPerSecond, losses, eta));
            }

            if (SampleEvery > 0 && step % SampleEvery == 0)
            {
                run.SaveSampleGrid();
            }

            if (step % CheckpointEvery == 0 || step == Steps)
            {
                run.SaveCheckpoint();
            }
        }
    }
}
