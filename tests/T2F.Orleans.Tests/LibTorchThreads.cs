using System.Runtime.CompilerServices;
using TorchSharp;

namespace T2F.Orleans.Tests;

/// <summary>
/// One libtorch intra-op thread in this test process, set before any test runs. The cluster tests compare a job's
/// bytes from silo processes (whose workers run one libtorch thread per shard) with <c>BatchGenerator.Run</c> in this
/// process, and a face's bytes depend on the thread count (the order of float reductions). Without this the count was
/// whatever earlier tests left (in-process sample verbs can set it), and the 3-silo test failed on a clean clone.
/// </summary>
internal static class LibTorchThreads
{
#pragma warning disable CA2255 // A test assembly's own start-up: it must precede the first test, which xunit v2 offers no hook for.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void OneThread() => torch.set_num_threads(1);
}
