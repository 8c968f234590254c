using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace T2F.Benchmarks;

/// <summary>For calls that take seconds (a whole generator on 2 cores): 1 warm-up, then 5 single-call iterations, in-process.</summary>
public sealed class LongRunningConfig : ManualConfig
{
    public LongRunningConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithStrategy(RunStrategy.Monitoring));
    }
}
