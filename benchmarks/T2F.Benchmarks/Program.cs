using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace T2F.Benchmarks;

/// <summary>
/// BenchmarkDotNet suites. Examples:
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --filter '*GeneratorBenchmarks*'
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --list flat
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --filter '*FusedLeakyReLU*' --job short
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- modconv-strategies --size 256
/// Benchmarks run in-process: libtorch's native files (and the libstdc++ compatibility edit) live in this
/// program's output folder, which BenchmarkDotNet's generated child projects would not have.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "modconv-strategies")
        {
            ModulatedConvStrategyTable.Run(args);
            return;
        }

        // Default job: in-process, 1 warm-up + 5 measured iterations (a generator call takes seconds on 2 cores).
        // "--job short" (or any --job) replaces it with BenchmarkDotNet's preset, still in-process.
        bool presetJob = args.Contains("--job");
        var job = presetJob ? Job.ShortRun : Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5)
            .WithStrategy(BenchmarkDotNet.Engines.RunStrategy.Monitoring);
        var config = DefaultConfig.Instance.AddJob(job.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        var filtered = presetJob ? args.Where((a, i) => a != "--job" && (i == 0 || args[i - 1] != "--job")).ToArray() : args;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(filtered, config);
    }
}
