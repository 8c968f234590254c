using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Torch;

/// <summary>
/// Seeds torch's global random generator for a block and gives the caller's state back at its end. TorchSharp's module
/// initialisers draw from the global generator only, so a seeded build of a model must seed it; restoring it keeps a
/// library call from rewinding the random stream of the application that made it.
/// </summary>
internal sealed class SeededGlobalRandom : IDisposable
{
    private readonly Tensor saved;

    private SeededGlobalRandom(long seed)
    {
        saved = torch.get_rng_state();
        torch.manual_seed(seed);
    }

    /// <summary>Seeds the global generator with <paramref name="seed"/> until the returned scope is disposed.</summary>
    /// <param name="seed">Seed of the block.</param>
    public static SeededGlobalRandom Seed(long seed) => new(seed);

    /// <inheritdoc />
    public void Dispose()
    {
        torch.set_rng_state(saved);
        saved.Dispose();
    }
}
