using static TorchSharp.torch;
using Xunit;
using Xunit.Sdk;

namespace T2F.Core.Tests.TestSupport;

/// <summary>allclose with a message that names the tensor, the worst element and both values.</summary>
public static class TensorAssert
{
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        if (!expected.shape.SequenceEqual(actual.shape))
        {
            throw new XunitException($"{what}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}].");
        }

        using var e = expected.detach().to(ScalarType.Float64).cpu().contiguous();
        using var a = actual.detach().to(ScalarType.Float64).cpu().contiguous();
        var ev = e.data<double>().ToArray();
        var av = a.data<double>().ToArray();
        int worst = -1;
        double worstExcess = 0, maxAbs = 0;
        for (int i = 0; i < ev.Length; i++)
        {
            double diff = Math.Abs(ev[i] - av[i]);
            if (double.IsNaN(av[i]) && !double.IsNaN(ev[i]))
            {
                diff = double.PositiveInfinity;
            }

            maxAbs = Math.Max(maxAbs, diff);
            double excess = diff - (atol + (rtol * Math.Abs(ev[i])));
            if (excess > worstExcess || (double.IsNaN(excess) && worst < 0))
            {
                worstExcess = double.IsNaN(excess) ? double.PositiveInfinity : excess;
                worst = i;
            }
        }

        if (worst >= 0)
        {
            throw new XunitException($"{what}: element {worst} is {av[worst]:R}, expected {ev[worst]:R} (|diff| {Math.Abs(av[worst] - ev[worst]):E3} > atol {atol:E1} + rtol {rtol:E1} * |expected|); max |diff| {maxAbs:E3} over {ev.Length} elements.");
        }
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a.detach().to(ScalarType.Float64) - b.detach().to(ScalarType.Float64)).abs().max();
        return d.item<double>();
    }
}
