using System.Runtime.InteropServices;

namespace T2F.Samples.Batch;

/// <summary>A token that Ctrl+C and SIGTERM cancel (instead of killing the process), for one command's lifetime.</summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;

    public StopSignal()
    {
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
    }

    public CancellationToken Token => stop.Token;

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        stop.Dispose();
    }

    private void Cancel(PosixSignalContext context)
    {
        context.Cancel = true;
        stop.Cancel();
    }
}
