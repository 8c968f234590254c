using System.CommandLine;
using System.Globalization;
using T2F.Core.Batch;
using TorchSharp;

namespace T2F.Samples.Batch;

/// <summary><c>local</c>: the whole job in this process, resumable shard by shard.</summary>
internal static class LocalCommand
{
    public static Command Create()
    {
        var job = new JobArguments();
        var model = ModelArguments.Model();
        var threads = ModelArguments.Threads("the cores");
        var command = new Command("local", "Runs the whole job in this process; rerunning the same command continues where a stopped run ended.");
        job.AddTo(command);
        command.Options.Add(model);
        command.Options.Add(threads);
        command.SetAction(r => Program.Run(() =>
        {
            string output = job.Output(r);
            var spec = job.Parse(r);
            string? folder = ModelArguments.ModelFolder(r.GetValue(model));
            int shardsAtOnce = r.GetValue(threads) ?? Environment.ProcessorCount;
            return stop => Task.FromResult(Run(spec, output, folder, shardsAtOnce, stop));
        }));
        return command;
    }

    private static int Run(BatchJobSpec spec, string output, string? model, int threads, CancellationToken stop)
    {
        // One libtorch thread per face, several shards at once: the bytes then do not depend on --threads, and equal
        // those of a cluster whatever its silos' core counts (libtorch's intra-op threads change float reduction order).
        torch.set_num_threads(1);
        using var pipeline = ModelArguments.Load(model);
        Console.WriteLine($"{spec.TotalFaces} faces in {spec.ShardCount} shards of {spec.ShardSize} -> {Path.GetFullPath(output)}");
        long generated = 0;
        var progress = new SynchronousProgress(p =>
        {
            generated = p.FacesGenerated;
            Console.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{p.ShardsDone}/{p.Shards} shards] {p.FacesGenerated} faces this run, {p.FacesGenerated / Math.Max(1e-9, p.Elapsed.TotalSeconds):F1} faces/s, ETA {p.Remaining:hh\\:mm\\:ss}   "));
        });
        var result = BatchGenerator.Run(pipeline, spec, output, threads, progress, stop);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done: {result.ShardsWritten} shards generated, {result.ShardsSkipped} already committed, {result.Faces} faces in {result.Folder} ({result.Elapsed.TotalSeconds:F1} s, {generated / Math.Max(1e-9, result.Elapsed.TotalSeconds):F1} faces/s)."));
        return 0;
    }

    // Progress<T> posts to the thread pool; the console line must be written in order (Run reports one shard at a time).
    private sealed class SynchronousProgress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
