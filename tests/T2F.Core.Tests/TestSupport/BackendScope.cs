using Xunit;
using T2F.Core.Ops;

namespace T2F.Core.Tests.TestSupport;

/// <summary>Sets a backend for the duration of a using block.</summary>
public sealed class BackendScope : IDisposable
{
    private readonly OpBackend previous;

    public BackendScope(OpBackend backend)
    {
        previous = OpSettings.Backend;
        OpSettings.Backend = backend;
    }

    public void Dispose() => OpSettings.Backend = previous;
}
