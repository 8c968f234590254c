using T2F.Core.Training;
using Xunit;

namespace T2F.Core.Tests.Training;

/// <summary>The loop both step trainers share, on a fake run: cadences, cancellation and divergence.</summary>
public class TrainingLoopTests
{
    private sealed class FakeRun(string folder, Func<long, double> secondLoss) : ITrainingRun
    {
        public long Step { get; private set; }

        public string CheckpointPath => Path.Combine(folder, "checkpoint");

        public List<long> Checkpoints { get; } = new();

        public List<long> Samples { get; } = new();

        public Action<long>? AfterStep { get; init; }

        public IReadOnlyDictionary<string, double> Advance()
        {
            Step++;
            AfterStep?.Invoke(Step);
            return new Dictionary<string, double> { ["loss"] = 1.0 / Step, ["other"] = secondLoss(Step) };
        }

        public void SaveSampleGrid() => Samples.Add(Step);

        public void SaveCheckpoint()
        {
            Checkpoints.Add(Step);
            File.WriteAllText(CheckpointPath, Step.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static readonly string[] Names = { "loss", "other" };

    [Fact]
    public void LogsSamplesAndCheckpointsOnTheirCadencesAndAtTheLastStep()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-loop").FullName;
        try
        {
            var run = new FakeRun(dir, _ => 0);
            var reports = new List<TrainingProgress>();
            new TrainingLoop(Steps: 10, Batch: 4, LogEvery: 3, SampleEvery: 4, CheckpointEvery: 5).Run(run, dir, "losses.csv", Names, "lower it", new SyncProgress(reports.Add), CancellationToken.None);
            Assert.Equal(10, run.Step);
            Assert.Equal(new long[] { 5, 10 }, run.Checkpoints);
            Assert.Equal(new long[] { 4, 8 }, run.Samples);
            Assert.Equal(new long[] { 3, 6, 9, 10 }, reports.Select(r => r.Step));
            Assert.All(reports, r => Assert.Equal(10, r.TotalSteps));
            var rows = File.ReadAllLines(Path.Combine(dir, "losses.csv"));
            Assert.Equal(1 + 4, rows.Length); // header + one row per report
            Assert.StartsWith("3,", rows[1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentStepWithACheckpoint()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-loop").FullName;
        try
        {
            using var cts = new CancellationTokenSource();
            var run = new FakeRun(dir, _ => 0) { AfterStep = step => { if (step == 7) { cts.Cancel(); } } };
            new TrainingLoop(100, 1, 10, 0, 50).Run(run, dir, "losses.csv", Names, "lower it", null, cts.Token);
            Assert.Equal(7, run.Step);
            Assert.Equal(new long[] { 7 }, run.Checkpoints);
            Assert.Empty(run.Samples);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ANonFiniteLossOfAnyNameStopsTheRunNamingItTheStepAndTheLastCheckpoint()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-loop").FullName;
        try
        {
            var run = new FakeRun(dir, step => step == 6 ? double.NaN : 0);
            var ex = Assert.Throws<TrainingDivergedException>(() => new TrainingLoop(10, 1, 1, 0, 4).Run(run, dir, "losses.csv", Names, "lower the learning rate", null, CancellationToken.None));
            Assert.Contains("Loss other is NaN at step 6", ex.Message, StringComparison.Ordinal);
            Assert.Contains(run.CheckpointPath, ex.Message, StringComparison.Ordinal);
            Assert.Contains("lower the learning rate and resume", ex.Message, StringComparison.Ordinal);
            Assert.Equal(new long[] { 4 }, run.Checkpoints);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // Progress<T> posts to the thread pool; the test needs the reports in order and before Run returns.
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
