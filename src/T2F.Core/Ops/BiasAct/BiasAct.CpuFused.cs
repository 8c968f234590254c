using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>bias_act's fused CPU path.</summary>
public static partial class BiasAct
{
    // Elements per chunk of the slope pass: the chunk and its scaled copy stay in L1/L2.
    private const int ChunkElements = 4096;

    // Below this size the fused path's setup outweighs its savings; libtorch handles it.
    private const long ParallelThreshold = 1 << 16;

    /// <summary>
    /// The fused CPU path: one pass over the input's memory, chunked so the intermediate values stay in L1,
    /// vectorised with <see cref="TensorPrimitives"/> and split over cores for large tensors. Requires a
    /// float32 CPU tensor and a slope in [0, 1]; no autograd graph is recorded, so callers that
    /// need gradients use <see cref="Reference"/> (which <see cref="Apply"/> does automatically).
    /// </summary>
    /// <param name="input">Float32 CPU tensor, channels in dimension 1 (made contiguous if it is not).</param>
    /// <param name="bias">Optional float32 bias [C].</param>
    /// <param name="negativeSlope">Slope in [0, 1].</param>
    /// <param name="gain">Output multiplier, >= 0.</param>
    public static unsafe Tensor CpuFused(Tensor input, Tensor? bias, double negativeSlope, double gain)
    {
        Validate(input, bias);
        if (!CanFuseOnCpu(input, bias, negativeSlope) || gain < 0)
        {
            throw new ArgumentException("The fused CPU path of bias_act needs a float32 CPU input, a float32 bias, a slope in [0, 1] and a gain >= 0; use BiasAct.Apply, which picks the path.");
        }

        using var x = input.contiguous();
        var output = torch.empty_like(x);
        long channels = x.shape[1];
        long outer = x.shape[0];
        long inner = x.numel() / Math.Max(1, outer * channels);
        float[] biasValues = new float[channels];
        if (bias is not null)
        {
            using var b = bias.detach().cpu().contiguous();
            b.data<float>().CopyTo(biasValues);
        }

        float fGain = (float)gain, fSlope = (float)negativeSlope;

        fixed (byte* src = x.bytes)
        fixed (byte* dst = output.bytes)
        {
            var srcPtr = (IntPtr)src;
            var dstPtr = (IntPtr)dst;
            int rows = checked((int)(outer * channels));
            int rowLength = checked((int)inner);
            void Row(int row)
            {
                var s = new ReadOnlySpan<float>((float*)srcPtr + ((long)row * rowLength), rowLength);
                var d = new Span<float>((float*)dstPtr + ((long)row * rowLength), rowLength);
                // lrelu(x + b) * g = max((x + b) * g, (x + b) * g * slope) for g >= 0 and slope in [0, 1];
                // adding the bias first keeps the reference's rounding (no cancellation error near x = -b).
                TensorPrimitives.Add(s, biasValues[row % channels], d);
                TensorPrimitives.Multiply(d, fGain, d);
                Span<float> scaled = stackalloc float[Math.Min(ChunkElements, rowLength)];
                for (int at = 0; at < d.Length; at += ChunkElements)
                {
                    var chunk = d.Slice(at, Math.Min(ChunkElements, d.Length - at));
                    var tmp = scaled[..chunk.Length];
                    TensorPrimitives.Multiply(chunk, fSlope, tmp);
                    TensorPrimitives.Max(chunk, tmp, chunk);
                }
            }

            if (x.numel() >= ParallelThreshold && rows > 1)
            {
                // Tasks of at least ~16K elements: short rows (small feature maps) are grouped to amortise scheduling.
                int rowsPerTask = Math.Max(1, (1 << 14) / Math.Max(1, rowLength));
                Parallel.For(0, (rows + rowsPerTask - 1) / rowsPerTask, task =>
                {
                    for (int row = task * rowsPerTask, end = Math.Min(rows, row + rowsPerTask); row < end; row++)
                    {
                        Row(row);
                    }
                });
            }
            else
            {
                for (int row = 0; row < rows; row++)
                {
                    Row(row);
                }
            }
        }

        return output;
    }

    private static bool CanFuseOnCpu(Tensor input, Tensor? bias, double negativeSlope)
        => input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32
           && (bias is null || bias.dtype == ScalarType.Float32)
           && negativeSlope is >= 0 and <= 1
           && input.numel() / Math.Max(1, input.shape[0] * input.shape[1]) <= int.MaxValue
           && input.shape[0] * input.shape[1] <= int.MaxValue
           && !NeedsGrad(input, bias);
}
