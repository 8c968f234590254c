using System.Runtime.CompilerServices;
using TorchSharp;

namespace T2F.Core.Tests.TestSupport;

/// <summary>
/// One libtorch intra-op thread per test thread, set before any test runs. xunit already runs a test class per core;
/// libtorch's OpenMP threads on top would put two threads on each core, whose spin-waits cost more than they give
/// (measured on the 2-core build machine beside a training run, same build, the trainer's and the pipeline's memory
/// tests alone: 642 s with libtorch's default of 2 threads, 20 s with OMP_NUM_THREADS=1). It also
/// fixes the count for the whole run: before, a sample test that set it to 1 (T2F.Evaluate, T2F.Batch) changed it for
/// every test after it, so results and times depended on test order. Linked into every test assembly (a module
/// initializer runs when its own assembly loads, and libtorch's results depend on its thread count), so each one sets it
/// at its own start.
/// </summary>
internal static class LibTorchThreads
{
#pragma warning disable CA2255 // A test assembly's own start-up: it must precede the first test, which xunit offers no hook for in v2.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void OnePerTestThread() => torch.set_num_threads(1);
}
