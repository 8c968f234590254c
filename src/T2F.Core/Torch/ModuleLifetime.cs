using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Torch;

/// <summary>Keeps a model's weights alive independently of the dispose scope it was built in.</summary>
internal static class ModuleLifetime
{
    /// <summary>
    /// Detaches every parameter and buffer of <paramref name="module"/> from the current dispose scope, so a
    /// caller that builds or loads a model inside <c>torch.NewDisposeScope()</c> does not free its weights when
    /// the scope ends. The module frees them in its own Dispose.
    /// </summary>
    public static T DetachFromDisposeScopes<T>(T module)
        where T : nn.Module
    {
        foreach (var p in module.parameters())
        {
            p.DetachFromDisposeScope();
        }

        foreach (var b in module.buffers())
        {
            b.DetachFromDisposeScope();
        }

        return module;
    }
}
