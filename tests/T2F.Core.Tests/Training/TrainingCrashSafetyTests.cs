using System.Diagnostics;
using System.Globalization;
using T2F.Core.Checkpoints;
using T2F.Core.Data.SynthFaces;
using Xunit;

namespace T2F.Core.Tests.Training;

/// <summary>
/// A training run killed with SIGKILL at random moments (during steps and during checkpoint writes) always resumes,
/// never leaves an unreadable checkpoint, and ends with the weights of a run that was never interrupted.
/// </summary>
public class TrainingCrashSafetyTests
{
    private const int Steps = 40;
    private const int Kills = 20;

    [Fact]
    public void KilledTwentyTimesTheRunResumesToTheWeightsOfAnUninterruptedRun()
    {
        string root = Directory.CreateTempSubdirectory("t2f-kill").FullName;
        try
        {
            string data = Path.Combine(root, "data");
            SynthFacesWriter.Write(data, new SynthFacesOptions { Count = 8, Size = 16, Seed = 1, CaptionsPerImage = 1 });
            string reference = Path.Combine(root, "reference");
            string killed = Path.Combine(root, "killed");
            Assert.Equal(0, RunToEnd(data, reference));

            var random = new Random(20261202);
            int kills = 0;
            while (kills < Kills)
            {
                using var child = Start(data, killed);
                if (!WaitForAnotherCheckpoint(killed, child))
                {
                    break; // the run finished before it could be killed again
                }

                Thread.Sleep(random.Next(0, 30)); // lands inside a step or inside the next checkpoint write
                child.Kill();
                child.WaitForExit();
                kills++;
                // Whatever the moment, the checkpoint on disk is a complete one.
                _ = SafeTensorsFile.Read(Path.Combine(killed, "checkpoint.safetensors"));
            }

            Assert.True(kills == Kills, $"only {kills} of {Kills} kills landed before the run finished: raise Steps");
            Assert.Equal(0, RunToEnd(data, killed));

            var expected = SafeTensorsFile.Read(Path.Combine(reference, "checkpoint.safetensors"));
            var actual = SafeTensorsFile.Read(Path.Combine(killed, "checkpoint.safetensors"));
            Assert.Equal(expected.Metadata["step"], actual.Metadata["step"]);
            Assert.Equal(expected.Tensors.Keys, actual.Tensors.Keys);
            foreach (var (name, tensor) in expected.Tensors)
            {
                Assert.True(tensor.Data.AsSpan().SequenceEqual(actual.Tensors[name].Data), $"{name} differs from the uninterrupted run's");
            }

            // Every step's losses exactly once and equal to the uninterrupted run's (the rate column differs).
            static string[] Losses(string run) => File.ReadAllLines(Path.Combine(run, "losses.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();
            Assert.Equal(Losses(reference), Losses(killed));
            Assert.Empty(Directory.EnumerateFiles(killed, "*.tmp"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    private static Process Start(string data, string run)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "T2F.Train.dll"));
        foreach (string arg in new[]
        {
            "gan", "--data", data, "--run", run, "--size", "16", "--channels", "4:16,8:12,16:8", "--style", "16", "--mapping", "2",
            "--batch", "4", "--seed", "3", "--steps", Steps.ToString(CultureInfo.InvariantCulture), "--checkpoint-every", "1",
            "--sample-every", "0", "--log-every", "1", "--threads", "1",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int RunToEnd(string data, string run)
    {
        using var process = Start(data, run);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "the training run did not finish in 3 minutes");
        return process.ExitCode;
    }

    // True once the run replaced its checkpoint (a step was completed and saved); false if it exited first.
    private static bool WaitForAnotherCheckpoint(string run, Process child)
    {
        string path = Path.Combine(run, "checkpoint.safetensors");
        DateTime Stamp() => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        var before = Stamp();
        var deadline = Stopwatch.StartNew();
        while (Stamp() == before)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "the training run made no progress in 2 minutes");
            if (child.HasExited)
            {
                return false;
            }

            Thread.Sleep(2);
        }

        return !child.HasExited;
    }
}
