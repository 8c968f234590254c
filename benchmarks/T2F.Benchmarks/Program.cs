using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace T2F.Benchmarks;

/// <summary>
/// BenchmarkDotNet suites. Examples:
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --filter '*GeneratorBenchmarks*'
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --list flat
/// Benchmarks run in-process: libtorch's native files (and the libstdc++ compatibility edit) live in this
/// program's output folder, which BenchmarkDotNet's generated child projects would not have.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5)
                .WithStrategy(BenchmarkDotNet.Engines.RunStrategy.Monitoring)
                .AsDefault());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
