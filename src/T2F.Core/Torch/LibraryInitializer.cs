using System.Runtime.CompilerServices;

namespace T2F.Core.Torch;

/// <summary>Process-wide set-up that must precede libtorch's first large allocation.</summary>
internal static class LibraryInitializer
{
    /// <summary>
    /// Tunes glibc's allocator (<see cref="NativeAllocator"/>) when T2F.Core is loaded, before a checkpoint is read:
    /// after the first large buffers are mapped it is too late for them.
    /// </summary>
#pragma warning disable CA2255 // A library module initializer: the allocator setting only helps if it precedes the first allocation; T2F_MALLOC_TUNING=0 opts out.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => NativeAllocator.EnsureApplied();
}
