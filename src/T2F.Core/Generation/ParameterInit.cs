using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Generation;

/// <summary>
/// The reference's N(0, 1) parameter initialisation, skipped while a checkpoint is about to overwrite every parameter
/// (<see cref="SkipForLoading"/>): drawing 30M normal values for a config-f generator took 1.2 s of a 2.3 s load, only to
/// be replaced. <see cref="Checkpoints.ModuleStateLoader"/> rejects a checkpoint that lacks any parameter, so an
/// uninitialised value never survives a load.
/// </summary>
internal static class ParameterInit
{
    [ThreadStatic]
    private static int skipDepth;

    /// <summary>N(0, 1) values, or uninitialised memory inside <see cref="SkipForLoading"/>.</summary>
    public static Tensor Normal(params long[] shape) => skipDepth > 0 ? torch.empty(shape) : torch.randn(shape);

    /// <summary>Until disposed, modules built on this thread leave their weights uninitialised for a loader to fill.</summary>
    public static IDisposable SkipForLoading()
    {
        skipDepth++;
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                skipDepth--;
            }
        }
    }
}
