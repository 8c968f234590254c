using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Ops.Convolution;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Ops;

/// <summary>Op settings are scoped: a scope flows with its own work and no further, and the process default is fixed once read.</summary>
public class OpSettingsTests
{
    [Fact]
    public async Task ConcurrentTasksWithDifferentScopesSeeTheirOwnBackend()
    {
        var opened = new[] { NewSignal(), NewSignal() };
        var backends = new[] { OpBackend.Reference, OpBackend.CpuFused };

        // Both scopes are open at the same time, and each task then looks from another thread-pool thread, from a child
        // task, from Parallel.For's workers and through what the ops and the generator's modules actually resolve.
        async Task<List<string>> Run(int i)
        {
            var seen = new List<string>();
            using (OpSettings.Use(backends[i]))
            {
                opened[i].SetResult();
                await Task.WhenAll(opened[0].Task, opened[1].Task);
                await Task.Yield();
                seen.Add($"after await: {OpSettings.Current.Backend}");
                seen.Add($"child task: {await Task.Run(() => OpSettings.Current.Backend)}");
                var workers = new OpBackend[8];
                Parallel.For(0, workers.Length, j => workers[j] = OpSettings.Current.Backend);
                seen.AddRange(workers.Distinct().Select(b => $"parallel worker: {b}"));
                using var x = zeros(1, 4, 4, 4);
                seen.Add($"resolved: {OpSettings.Resolve(x)}");
                using var conv = new ModulatedConv2d(4, 4, 3, 4);
                seen.Add($"strategy: {conv.StrategyFor(x)}");
            }

            return seen;
        }

        var results = await Task.WhenAll(Task.Run(() => Run(0)), Task.Run(() => Run(1)));
        Assert.Equal(
            ["after await: Reference", "child task: Reference", "parallel worker: Reference", "resolved: Reference", "strategy: GroupedWeights"],
            results[0]);
        Assert.Equal(
            ["after await: CpuFused", "child task: CpuFused", "parallel worker: CpuFused", "resolved: CpuFused", "strategy: InputScaling"],
            results[1]);
        Assert.Same(OpSettings.Default, OpSettings.Current);
    }

    [Fact]
    public void AThreadStartedBeforeAScopeDoesNotSeeIt()
    {
        using var scopeOpened = new ManualResetEventSlim();
        OpOptions? seen = null;
        var outsider = new Thread(() =>
        {
            scopeOpened.Wait();
            seen = OpSettings.Current;
        });
        outsider.Start();
        using (OpSettings.Use(OpBackend.Reference))
        {
            scopeOpened.Set();
            outsider.Join();
            Assert.Equal(OpBackend.Reference, OpSettings.Current.Backend);
        }

        Assert.Same(OpSettings.Default, seen);
    }

    [Fact]
    public void ScopesNestAndRestoreWhatWasCurrent()
    {
        var outside = OpSettings.Current;
        var outer = OpSettings.Use(OpBackend.Reference);
        using (OpSettings.Use(OpSettings.Current with { UpsampleFormulation = UpsampleFormulation.SubPixel }))
        {
            // The inner scope starts from the outer one and changes one setting.
            Assert.Equal(OpBackend.Reference, OpSettings.Current.Backend);
            Assert.Equal(UpsampleFormulation.SubPixel, OpSettings.Current.UpsampleFormulation);
        }

        Assert.Equal(new OpOptions { Backend = OpBackend.Reference, ConvolutionRoute = outside.ConvolutionRoute }, OpSettings.Current);
        outer.Dispose();
        outer.Dispose(); // a second dispose changes nothing
        Assert.Same(outside, OpSettings.Current);
    }

    [Fact]
    public void TheProcessDefaultIsFixedOnceOpsHaveReadIt()
    {
        _ = OpSettings.Current; // what every op does
        var e = Assert.Throws<InvalidOperationException>(() => OpSettings.Default = OpSettings.Default with { Backend = OpBackend.Reference });
        Assert.Contains("OpSettings.Use", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => OpSettings.Use((OpOptions)null!));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
