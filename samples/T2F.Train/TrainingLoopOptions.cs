using System.CommandLine;
using TorchSharp;
using T2F.Samples.Shared;

namespace T2F.Samples.Train;

/// <summary>
/// The options of the training loop that <c>gan</c> and <c>projector</c> share (data, run folder, batch, steps,
/// schedule, device), made once per verb: a System.CommandLine option belongs to one command, and the verbs'
/// defaults differ (steps, learning rate).
/// </summary>
internal sealed class TrainingLoopOptions
{
    public TrainingLoopOptions(int defaultSteps, double defaultLearningRate, string threadsDescription)
    {
        Data = SampleOptions.Text("--data", "DIR", "dataset folder in CelebA layout (CelebA, CelebA-HQ, or SynthFaces from `T2F.Datasets render`)", required: true);
        Run = SampleOptions.Text("--run", "DIR", "run folder: checkpoint.safetensors, losses.csv, samples/; a run folder with a checkpoint resumes", required: true);
        Batch = SampleOptions.Int("--batch", "N", "images per step", 8, min: 1);
        Steps = SampleOptions.Int("--steps", "N", "total steps (a resumed run trains up to N)", defaultSteps, min: 1);
        LearningRate = SampleOptions.Double("--lr", "X", "learning rate (Adam)", defaultLearningRate, min: 0);
        Seed = SampleOptions.Seed("seed of initialisation, data order and noise", max: int.MaxValue);
        CheckpointEvery = SampleOptions.Int("--checkpoint-every", "N", "steps between checkpoints (one is also written at the end and on Ctrl+C)", 500, min: 1);
        SampleEvery = SampleOptions.Int("--sample-every", "N", "steps between sample grids in samples/; 0: none", 500, min: 0);
        LogEvery = SampleOptions.Int("--log-every", "N", "steps between rows of losses.csv", 10, min: 1);
        Threads = SampleOptions.Threads(threadsDescription);
        Device = SampleOptions.Text("--device", "D", "cpu, cuda or cuda:N (cuda needs a CUDA build of libtorch)", defaultValue: "cpu");
    }

    public Option<string> Data { get; }

    public Option<string> Run { get; }

    public Option<int> Batch { get; }

    public Option<int> Steps { get; }

    public Option<double> LearningRate { get; }

    public Option<long> Seed { get; }

    public Option<int> CheckpointEvery { get; }

    public Option<int> SampleEvery { get; }

    public Option<int> LogEvery { get; }

    public Option<int?> Threads { get; }

    public Option<string> Device { get; }

    /// <summary>Sets libtorch's thread count when <c>--threads</c> was given (otherwise libtorch's own choice stays).</summary>
    public void ApplyThreads(ParseResult result)
    {
        if (result.GetValue(Threads) is int threads)
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>Adds every option to <paramref name="command"/>, in the order of the help.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Run, Batch, Steps, LearningRate, Seed, CheckpointEvery, SampleEvery, LogEvery, Threads, Device })
        {
            command.Options.Add(option);
        }
    }
}
