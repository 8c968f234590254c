using T2F.Core.Generation;
using static TorchSharp.torch;

namespace T2F.Web.Tests;

/// <summary>Wraps a generator and holds every synthesis until <see cref="Gate"/> is released, so a test controls the queue.</summary>
internal sealed class BlockingGenerator(IStyleGenerator inner) : IStyleGenerator
{
    private int started;

    public SemaphoreSlim Gate { get; } = new(0);

    public int Started => Volatile.Read(ref started);

    public int Resolution => inner.Resolution;

    public int StyleSize => inner.StyleSize;

    public int LatentCount => inner.LatentCount;

    public Tensor Map(Tensor z) => inner.Map(z);

    public Tensor Synthesize(Tensor latents, SynthesisOptions? options = null)
    {
        Interlocked.Increment(ref started);
        Gate.Wait(TimeSpan.FromSeconds(60));
        return inner.Synthesize(latents, options);
    }

    public void Dispose()
    {
        inner.Dispose();
        Gate.Dispose();
    }
}
