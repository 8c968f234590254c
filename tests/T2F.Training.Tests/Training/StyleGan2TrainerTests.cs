using T2F.Core.IO;
using T2F.Core.Generation;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Training;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Training;

// Serial: the trainer seeds torch's global generator and builds its modules from it (runs are compared bit for bit), and one test measures the process's resident memory.
[Collection(ProcessWideStateCollection.Name)]
public class StyleGan2TrainerTests
{
    private static readonly Dictionary<int, int> Channels = new() { [4] = 16, [8] = 12, [16] = 8 };

    private static GeneratorConfig GConfig => new(16, 16, 2, Channels, 0.01f, StyleGan2Defaults.BlurTaps);

    private static DiscriminatorConfig DConfig => new(16, Channels, StyleGan2Defaults.BlurTaps);

    private static TensorImageSource Data()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        return new TensorImageSource(rand(8, 3, 16, 16) * 2 - 1, seed: 3);
    }

    private static StyleGan2TrainingOptions Options(long steps) => new()
    {
        Batch = 4,
        Steps = steps,
        DRegEvery = 4,
        GRegEvery = 2,
        CheckpointEvery = 1000,
        SampleEvery = 0,
        LogEvery = 1,
        Seed = 11,
    };

    private static Dictionary<string, Tensor> State(StyleGan2Trainer t)
        => t.Generator.state_dict().Select(p => ("g." + p.Key, p.Value))
            .Concat(t.Discriminator.state_dict().Select(p => ("d." + p.Key, p.Value)))
            .Concat(t.GeneratorEma.state_dict().Select(p => ("g_ema." + p.Key, p.Value)))
            .ToDictionary(p => p.Item1, p => p.Item2.detach().clone());

    [Fact]
    public void ResumedRunIsBitIdenticalToAStraightRun()
    {
        using var data = Data();
        string straightDir = Directory.CreateTempSubdirectory("t2f-train").FullName;
        string resumedDir = Directory.CreateTempSubdirectory("t2f-train").FullName;
        try
        {
            Dictionary<string, Tensor> straight;
            using (var t = new StyleGan2Trainer(GConfig, DConfig, data, straightDir, Options(8)))
            {
                t.Train();
                straight = State(t);
            }

            using (var t = new StyleGan2Trainer(GConfig, DConfig, data, resumedDir, Options(8)))
            {
                using var cts = new CancellationTokenSource();
                t.Train(new SyncProgress(p =>
                {
                    if (p.Step == 4)
                    {
                        cts.Cancel();
                    }
                }), cts.Token);
                Assert.Equal(4, t.Step);
            }

            using (var t = new StyleGan2Trainer(GConfig, DConfig, data, resumedDir, Options(8)))
            {
                Assert.Equal(4, t.Step);
                t.Train();
                var resumed = State(t);
                Assert.Equal(straight.Keys.OrderBy(k => k), resumed.Keys.OrderBy(k => k));
                foreach (var (key, value) in straight)
                {
                    TensorAssert.Close(value, resumed[key], 0, 0, key);
                }
            }

            var csv = File.ReadAllLines(Path.Combine(resumedDir, "losses.csv"));
            Assert.Equal(Enumerable.Range(1, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), csv.Skip(1).Select(l => l.Split(',')[0]));
        }
        finally
        {
            Directory.Delete(straightDir, true);
            Directory.Delete(resumedDir, true);
        }
    }

    [Fact]
    public void OnATinySetTheDiscriminatorWinsAndLossesMoveAsExpected()
    {
        using var data = Data();
        string dir = Directory.CreateTempSubdirectory("t2f-train").FullName;
        try
        {
            var reports = new List<TrainingProgress>();
            using var t = new StyleGan2Trainer(GConfig, DConfig, data, dir, Options(40) with { LearningRate = 0.004, SampleEvery = 20 });
            t.Train(new SyncProgress(reports.Add));
            Assert.Equal(40, reports.Count);
            double firstD = reports.Take(3).Average(r => r.Losses["d_loss"]);
            double lastD = reports.TakeLast(5).Average(r => r.Losses["d_loss"]);
            double lastG = reports.TakeLast(5).Average(r => r.Losses["g_loss"]);
            Assert.True(lastD < firstD, $"D loss did not fall: {firstD:F3} -> {lastD:F3}");
            Assert.True(lastG > Math.Log(2), $"G loss {lastG:F3} should exceed ln 2 once D separates real from fake");
            Assert.True(reports[^1].Losses["real_score"] > reports[^1].Losses["fake_score"]);
            Assert.Equal(10, reports.Count(r => r.Losses.ContainsKey("r1")));      // every 4th of 40 steps
            Assert.Equal(20, reports.Count(r => r.Losses.ContainsKey("path")));    // every 2nd
            Assert.True(File.Exists(Path.Combine(dir, "samples", "step0000020.png")));
            Assert.True(File.Exists(t.CheckpointPath));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void TrainingRemovesTemporariesACrashLeftAndRefusesASecondWriterOfTheFolder()
    {
        using var data = Data();
        string dir = Directory.CreateTempSubdirectory("t2f-train").FullName;
        try
        {
            // What kill -9 during an atomic checkpoint write leaves behind, and files that are not ours.
            string stale = Path.Combine(dir, $".checkpoint.safetensors.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(stale, new byte[1024]);
            string unrelated = Path.Combine(dir, ".notes.tmp");
            File.WriteAllText(unrelated, "keep");

            using (var t = new StyleGan2Trainer(GConfig, DConfig, data, dir, Options(1)))
            {
                using (T2F.Core.IO.RunFolderLock.Acquire(dir))
                {
                    var e = Assert.Throws<IOException>(() => t.Train());
                    Assert.Contains("Another training process", e.Message, StringComparison.Ordinal);
                }

                Assert.False(File.Exists(stale), "the stale temporary survived the lock");
                t.Train();
            }

            Assert.False(File.Exists(stale));
            Assert.True(File.Exists(unrelated), "a file that is not an atomic-write temporary was removed");
            Assert.Empty(Directory.GetFiles(dir, ".checkpoint.safetensors.*.tmp"));
            Assert.True(File.Exists(Path.Combine(dir, "checkpoint.safetensors")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ACheckpointOfAnotherArchitectureIsRejectedWithTheDifference()
    {
        using var data = Data();
        string dir = Directory.CreateTempSubdirectory("t2f-train").FullName;
        try
        {
            using (var t = new StyleGan2Trainer(GConfig, DConfig, data, dir, Options(1)))
            {
                t.Train();
            }

            var wider = new Dictionary<int, int>(Channels) { [16] = 10 };
            var ex = Assert.Throws<ArgumentException>(() => new StyleGan2Trainer(GConfig with { Channels = wider }, DConfig, data, dir, Options(2)));
            Assert.Contains("generator", ex.Message);
            Assert.Contains("16:10", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void GradientAccumulationTrainsDeterministicallyAndValidatesTheSplit()
    {
        using var data = Data();
        string a = Directory.CreateTempSubdirectory("t2f-train").FullName;
        string b = Directory.CreateTempSubdirectory("t2f-train").FullName;
        try
        {
            var options = Options(3) with { Batch = 8, GradientAccumulation = 2 };
            var reports = new List<TrainingProgress>();
            using (var t = new StyleGan2Trainer(GConfig, DConfig, data, a, options))
            {
                t.Train(new SyncProgress(reports.Add));
            }

            Assert.Equal(3, reports.Count);
            Assert.All(reports, r => Assert.True(double.IsFinite(r.Losses["d_loss"]) && double.IsFinite(r.Losses["g_loss"])));
            Assert.Contains(reports, r => r.Losses.ContainsKey("r1"));
            using (var t1 = new StyleGan2Trainer(GConfig, DConfig, data, b, options))
            {
                t1.Train();
                using var t2 = new StyleGan2Trainer(GConfig, DConfig, data, a, options);
                foreach (var (key, value) in State(t1))
                {
                    TensorAssert.Close(value, State(t2)[key], 0, 0, key);
                }
            }

            Assert.Throws<ArgumentException>(() => new StyleGan2Trainer(GConfig, DConfig, data, b, Options(1) with { Batch = 8, GradientAccumulation = 3 }));
            Assert.Throws<ArgumentException>(() => new StyleGan2Trainer(GConfig, DConfig, data, b, Options(1) with { Batch = 12, GradientAccumulation = 2 }));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }

    [Fact]
    public void DevicesAreCheckedUpFront()
    {
        Assert.Equal(TorchSharp.DeviceType.CPU, TrainingDevice.Parse("cpu").type);
        Assert.Contains("cpu, cuda or cuda:N", Assert.Throws<ArgumentException>(() => TrainingDevice.Parse("tpu")).Message);
        if (!TorchSharp.torch.cuda.is_available())
        {
            using var data = Data();
            var ex = Assert.Throws<ArgumentException>(() => new StyleGan2Trainer(GConfig, DConfig, data, Path.Combine(Path.GetTempPath(), "t2f-never-" + Guid.NewGuid()), Options(1) with { Device = "cuda" }));
            Assert.Contains("no CUDA", ex.Message);
        }
    }

    [Fact]
    public void ANonFiniteLossStopsTheRunNamingStepAndCheckpoint()
    {
        using var data = Data();
        string dir = Directory.CreateTempSubdirectory("t2f-train").FullName;
        try
        {
            using var t = new StyleGan2Trainer(GConfig, DConfig, data, dir, Options(5) with { LearningRate = double.NaN });
            var ex = Assert.Throws<TrainingDivergedException>(() => t.Train());
            Assert.Contains("step", ex.Message);
            Assert.Contains("checkpoint", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ResidentMemoryStaysFlatOverTwoHundredTrainingSteps()
    {
        using var data = Data();
        string dir = Directory.CreateTempSubdirectory("t2f-train").FullName;
        try
        {
            long after20 = 0, after200 = 0;
            using var t = new StyleGan2Trainer(GConfig, DConfig, data, dir, Options(200) with { LogEvery = 20 });
            t.Train(new SyncProgress(p =>
            {
                if (p.Step == 20)
                {
                    after20 = ProcessMemory.ResidentBytesAfterCollection();
                }
                else if (p.Step == 200)
                {
                    after200 = ProcessMemory.ResidentBytesAfterCollection();
                }
            }));
            Assert.True(after20 > 0 && after200 > 0, "progress was not reported at steps 20 and 200");
            long growth = after200 - after20;
            Assert.True(growth < 50L << 20, $"resident memory grew by {growth >> 20} MB from step 20 to step 200 (budget 50 MB)");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
