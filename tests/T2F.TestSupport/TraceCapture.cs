using static TorchSharp.torch;

namespace T2F.Core.Tests.TestSupport;

/// <summary>
/// Keeps copies of the layer outputs <see cref="T2F.Core.Torch.ModuleTrace"/> reports, outside every dispose scope
/// (layers run in their own scopes, which would free a copy made there), and frees them on dispose.
/// </summary>
public sealed class TraceCapture : IDisposable
{
    public Dictionary<string, Tensor> Traces { get; } = new();

    public void Sink(string name, Tensor output)
    {
        var copy = output.detach().clone().DetachFromDisposeScope();
        if (Traces.Remove(name, out var earlier))
        {
            earlier.Dispose();
        }

        Traces[name] = copy;
    }

    public void Dispose()
    {
        foreach (var t in Traces.Values)
        {
            t.Dispose();
        }

        Traces.Clear();
    }
}
