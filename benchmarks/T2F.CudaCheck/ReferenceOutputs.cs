using T2F.Core.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.CudaCheck;

/// <summary>
/// The expected outputs of every spec case from the library's reference paths (<see cref="BiasAct.Reference"/>,
/// <see cref="UpFirDn2d.Reference"/>, the grouped modulated convolution), run on libtorch in float64 on the same float32
/// inputs the kernels get: one reference for the tests, the fast paths and the kernels.
/// </summary>
internal static class ReferenceOutputs
{
    /// <summary>Computes every key the checks read.</summary>
    public static Dictionary<string, float[]> Compute()
    {
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using var scope = torch.NewDisposeScope();
        foreach (var c in BiasActSpec.Cases)
        {
            var x = Tensor(c.Input(), c.Shape).requires_grad_(true);
            var bias = c.Bias() is { } b ? Tensor(b, [c.Channels]).requires_grad_(true) : null;
            var y = BiasAct.Reference(x, bias, c.NegativeSlope, c.Gain);
            values[ExpectedValues.Key("bias_act", c.Name, "y")] = Floats(y);

            // The backward kernels against autograd through the reference.
            var upstream = Tensor(c.OutputGradient(), c.Shape);
            (y * upstream).sum().backward();
            values[ExpectedValues.Key("bias_act", c.Name, "dx")] = Floats(x.grad!);
            if (bias is not null)
            {
                values[ExpectedValues.Key("bias_act", c.Name, "db")] = Floats(bias.grad!);
            }
        }

        using (torch.no_grad())
        {
            foreach (var c in UpFirDn2dSpec.Cases)
            {
                var y = UpFirDn2d.Reference(Tensor(c.Input(), c.Shape), Tensor(c.Kernel(), [c.KernelHeight, c.KernelWidth]), c.UpX, c.UpY, c.DownX, c.DownY, c.PadX0, c.PadX1, c.PadY0, c.PadY1);
                values[ExpectedValues.Key("upfirdn2d", c.Name, "y")] = Floats(y);
            }

            var taps = T2F.Core.Generation.StyleGan2Defaults.BlurTaps;
            values[ExpectedValues.Key("modconv", "blur", "up")] = Floats(ModulatedConv.BlurKernel(taps, upsample: true));
            values[ExpectedValues.Key("modconv", "blur", "down")] = Floats(ModulatedConv.BlurKernel(taps, upsample: false));
            foreach (var c in ModulatedConvSpec.Cases)
            {
                var x = Tensor(c.Input(), c.InputShape);
                var w = Tensor(c.Weight(), c.WeightShape);
                var s = Tensor(c.Styles(), [c.Batch, c.InChannels]);
                var (weights, demodulation) = ModulatedConv.ModulatedWeights(w, s, c.Demodulate);
                values[ExpectedValues.Key("modconv", c.Name, "weights")] = Floats(weights);
                if (demodulation is not null)
                {
                    values[ExpectedValues.Key("modconv", c.Name, "demod")] = Floats(demodulation);
                }

                var blur = c.Upsample || c.Downsample ? ModulatedConv.BlurKernel(taps, c.Upsample).to(float64) : null;
                values[ExpectedValues.Key("modconv", c.Name, "y")] = Floats(ModulatedConv.Grouped(x, w, s, c.Demodulate, c.Upsample, c.Downsample, blur));
            }
        }

        return values;
    }

    private static Tensor Tensor(float[] values, long[] shape) => torch.tensor(values, shape).to(float64);

    private static float[] Floats(Tensor t) => t.detach().to(float32).contiguous().data<float>().ToArray();
}
