using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary><c>y = x + weight * noise</c>, noise [B or 1, 1, H, W] broadcast over channels; <c>weight [1]</c> starts at 0 (rosinality <c>model.py</c> <c>NoiseInjection</c>).</summary>
internal sealed class NoiseInjection : Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter weight;

    /// <summary>Creates the module.</summary>
    public NoiseInjection()
        : base(nameof(NoiseInjection))
    {
        weight = new Parameter(torch.zeros(1));
        register_parameter("weight", weight);
    }

    /// <summary>Adds scaled noise. The caller always supplies the noise: no hidden random draws.</summary>
    /// <param name="input">[B, C, H, W].</param>
    /// <param name="noise">[B or 1, 1, H, W].</param>
    public override Tensor forward(Tensor input, Tensor noise)
    {
        if (noise.dim() != 4 || noise.shape[1] != 1 || noise.shape[2] != input.shape[2] || noise.shape[3] != input.shape[3] || (noise.shape[0] != 1 && noise.shape[0] != input.shape[0]))
        {
            throw new ArgumentException($"NoiseInjection: noise must be [B or 1, 1, {input.shape[2]}, {input.shape[3]}] for input {TensorShapes.Format(input)}; got {TensorShapes.Format(noise)}.", nameof(noise));
        }

        return input + (weight * noise);
    }
}
