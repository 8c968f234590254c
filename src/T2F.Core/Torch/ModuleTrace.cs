using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace T2F.Core.Torch;

/// <summary>
/// Captures intermediate outputs of a module tree by their state-dict names (e.g. <c>convs.3.conv</c>),
/// for parity checks against per-layer traces of the reference. Costs one null check per layer when off.
/// </summary>
public static class ModuleTrace
{
    [ThreadStatic]
    private static Capture? current;

    /// <summary>
    /// Starts capturing on this thread: every traced module under <paramref name="root"/> reports its output to
    /// <paramref name="sink"/> with its dotted name. Dispose the result to stop. The sink must copy what it keeps
    /// and keep the copy out of dispose scopes (e.g. <c>t.detach().clone().DetachFromDisposeScope()</c>, disposed by the sink's owner):
    /// layers run in their own scopes, which free everything created in them, the sink's copies included.
    /// </summary>
    /// <param name="root">The module whose descendants are named relative to it.</param>
    /// <param name="sink">Receives (name, output).</param>
    public static IDisposable Start(nn.Module root, Action<string, Tensor> sink)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(sink);
        var names = new ConditionalWeakTable<nn.Module, string>();
        names.AddOrUpdate(root, string.Empty);
        foreach (var (name, module) in root.named_modules())
        {
            names.AddOrUpdate(module, name);
        }

        var capture = new Capture(names, sink, current);
        current = capture;
        return capture;
    }

    /// <summary>Reports <paramref name="value"/> as the output of <paramref name="module"/> (or of its named part <paramref name="part"/>).</summary>
    /// <param name="module">The reporting module.</param>
    /// <param name="value">Its output.</param>
    /// <param name="part">Optional suffix, e.g. <c>final_conv.input</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Report(nn.Module module, Tensor value, string? part = null)
    {
        current?.Report(module, value, part);
        return value;
    }

    private sealed class Capture(ConditionalWeakTable<nn.Module, string> names, Action<string, Tensor> sink, Capture? previous) : IDisposable
    {
        public void Report(nn.Module module, Tensor value, string? part)
        {
            if (!names.TryGetValue(module, out var name))
            {
                return;
            }

            string full = part is null ? name : name.Length == 0 ? part : name + "." + part;
            sink(full, value);
        }

        public void Dispose() => current = previous;
    }
}
