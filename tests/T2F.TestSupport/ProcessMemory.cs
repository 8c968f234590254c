namespace T2F.Core.Tests.TestSupport;

/// <summary>The process's resident set (native libtorch memory included), after a full managed collection.</summary>
public static class ProcessMemory
{
    public static long ResidentBytesAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }
}
