using TorchSharp;

namespace T2F.Core.Torch;

/// <summary>Switches gradient tracking for all of a module's parameters at once.</summary>
internal static class ModuleGradients
{
    /// <summary>
    /// Sets <c>requires_grad</c> on every parameter of <paramref name="module"/>: false freezes it (an inference model,
    /// a frozen critic, the network not being stepped in an alternating GAN step), true makes it trainable again.
    /// </summary>
    /// <param name="module">The module.</param>
    /// <param name="requiresGrad">Whether its parameters take part in autograd.</param>
    public static void Set(torch.nn.Module module, bool requiresGrad)
    {
        foreach (var parameter in module.parameters())
        {
            parameter.requires_grad = requiresGrad;
        }
    }
}
