using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace T2F.Benchmarks;

/// <summary>
/// BenchmarkDotNet suites. Examples:
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --filter '*GeneratorBenchmarks*'
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --list flat
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --filter '*BiasAct*' --job short
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

        // Default job: in-process throughput measurement (many invocations, so the JIT has tiered up, as in an
        // application that calls the op thousands of times). Whole-generator suites carry LongRunningConfig instead.
        // "--job short" (or any --job) replaces it with BenchmarkDotNet's preset, still in-process.
        bool presetJob = args.Contains("--job");
        var job = presetJob ? Job.ShortRun : Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10);
        var config = DefaultConfig.Instance.AddJob(job.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        var filtered = presetJob ? args.Where((a, i) => a != "--job" && (i == 0 || args[i - 1] != "--job")).ToArray() : args;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(filtered, config);
    }
}
