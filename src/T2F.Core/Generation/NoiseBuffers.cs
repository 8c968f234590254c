using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Generation;

/// <summary>The generator's <c>noises</c> module: noiseTensors <c>noise_i [1, 1, R, R]</c>, R = 2^((i + 5) / 2).</summary>
internal sealed class NoiseBuffers : Module
{
    private readonly List<Tensor> noiseTensors = new();

    /// <summary>Creates the noiseTensors (values ~ N(0,1)).</summary>
    /// <param name="numLayers">Number of noise inputs.</param>
    public NoiseBuffers(int numLayers)
        : base("noises")
    {
        for (int i = 0; i < numLayers; i++)
        {
            long r = ResolutionOf(i);
            var t = torch.randn(1, 1, r, r);
            noiseTensors.Add(t);
            register_buffer($"noise_{i}", t);
        }
    }

    /// <summary>Number of noiseTensors.</summary>
    public int Count => noiseTensors.Count;

    /// <summary>The buffer of layer <paramref name="index"/>.</summary>
    /// <param name="index">Layer index.</param>
    public Tensor this[int index] => noiseTensors[index];

    /// <summary>Spatial size of noise input <paramref name="layer"/>: 4, 8, 8, 16, 16, ...</summary>
    /// <param name="layer">Layer index.</param>
    public static long ResolutionOf(int layer) => 1L << ((layer + 5) / 2);
}
