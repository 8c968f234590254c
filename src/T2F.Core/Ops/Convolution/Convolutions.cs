using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace T2F.Core.Ops.Convolution;

/// <summary>
/// The one entry point for every convolution the library runs (StyleGAN2 layers, metric and perceptual networks).
/// Float32 CPU calls take the route that <see cref="OpSettings.Current"/> names, resolved once per process by
/// the numerics self-check under <see cref="ConvolutionRoute.Auto"/>; every route gives the same result as
/// <c>torch.nn.functional.conv2d</c> / <c>conv_transpose2d</c> in exact arithmetic and is differentiable.
/// </summary>
public static class Convolutions
{
    private const int InputChannelMultiple = 16;
    private const int InputChannelMultipleWithGradient = 32;
    private const int TransposedOutputMultiple = 32;

    /// <summary>The concrete route calls on CPU float32 tensors take now (resolves <see cref="ConvolutionRoute.Auto"/>, running the self-check once if needed).</summary>
    public static ConvolutionRoute ActiveRoute => ConvolutionRouting.Resolve();

    /// <summary>2-D convolution, like <c>torch.nn.functional.conv2d</c>.</summary>
    /// <param name="input">[N, C_in, H, W].</param>
    /// <param name="weight">[C_out, C_in / groups, kH, kW].</param>
    /// <param name="bias">[C_out] or null.</param>
    /// <param name="stride">Stride in both dimensions.</param>
    /// <param name="padding">Zero padding in both dimensions.</param>
    /// <param name="groups">Channel groups.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long groups = 1)
        => Conv2d(input, weight, bias, (stride, stride), (padding, padding), groups);

    /// <summary>2-D convolution with separate vertical and horizontal stride and padding.</summary>
    /// <param name="input">[N, C_in, H, W].</param>
    /// <param name="weight">[C_out, C_in / groups, kH, kW].</param>
    /// <param name="bias">[C_out] or null.</param>
    /// <param name="stride">(vertical, horizontal) stride.</param>
    /// <param name="padding">(vertical, horizontal) zero padding.</param>
    /// <param name="groups">Channel groups.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (long Y, long X) stride, (long Y, long X) padding, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        return Conv2d(RouteFor(input), input, weight, bias, stride, padding, groups);
    }

    /// <summary>2-D transposed convolution without padding, like <c>torch.nn.functional.conv_transpose2d</c>.</summary>
    /// <param name="input">[N, C_in, H, W].</param>
    /// <param name="weight">[C_in, C_out / groups, kH, kW].</param>
    /// <param name="stride">Stride in both dimensions.</param>
    /// <param name="groups">Channel groups.</param>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, long stride = 2, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        return ConvTranspose2d(RouteFor(input), input, weight, stride, groups);
    }

    /// <summary>
    /// The stride-2 transposed convolution of StyleGAN2's up-sampling layers, computed as
    /// <see cref="OpOptions.UpsampleFormulation"/> of <see cref="OpSettings.Current"/> says (both formulations give the same numbers).
    /// </summary>
    /// <param name="input">[N, C_in, H, W].</param>
    /// <param name="weight">[C_in, C_out / groups, k, k] (the transposed-convolution layout).</param>
    /// <param name="groups">Channel groups.</param>
    public static Tensor Upsample2x(Tensor input, Tensor weight, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var route = RouteFor(input);
        return OpSettings.Current.UpsampleFormulation == UpsampleFormulation.SubPixel
            ? SubPixelUpsample2x(route, input, weight, groups)
            : ConvTranspose2d(route, input, weight, 2, groups);
    }

    /// <summary>The route one call on <paramref name="input"/> takes (CUDA and non-float32 tensors: <see cref="ConvolutionRoute.Native"/>).</summary>
    internal static ConvolutionRoute RouteFor(Tensor input)
        => input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32 ? ConvolutionRouting.Resolve() : ConvolutionRoute.Native;

    /// <summary>conv2d on an explicit, concrete route (used by the self-check to test each route).</summary>
    internal static Tensor Conv2d(ConvolutionRoute route, Tensor input, Tensor weight, Tensor? bias, (long Y, long X) stride, (long Y, long X) padding, long groups)
    {
        ApplyOnCpu(route, input);
        long outPerGroup = weight.shape[0] / groups, inPerGroup = weight.shape[1];
        bool padded = route == ConvolutionRoute.ChannelPadded;
        long inPadded = padded ? PaddedInputChannels(inPerGroup, input.requires_grad) : inPerGroup;
        bool depthwise = groups > 1 && inPerGroup == 1;
        long outPadded = padded ? PaddedOutputChannels(outPerGroup, depthwise, weight.shape[2] * weight.shape[3], input.requires_grad) : outPerGroup;
        if (inPadded == inPerGroup && outPadded == outPerGroup)
        {
            return F.conv2d(input, weight, bias, strides: new[] { stride.Y, stride.X }, padding: new[] { padding.Y, padding.X }, groups: groups);
        }

        using var scope = torch.NewDisposeScope();
        long n = input.shape[0], h = input.shape[2], w = input.shape[3], kh = weight.shape[2], kw = weight.shape[3];
        var x = input;
        var wp = weight.view(groups, outPerGroup, inPerGroup, kh, kw);
        if (inPadded != inPerGroup)
        {
            x = F.pad(input.view(n, groups, inPerGroup, h, w), new long[] { 0, 0, 0, 0, 0, inPadded - inPerGroup }).view(n, groups * inPadded, h, w);
            wp = F.pad(wp, new long[] { 0, 0, 0, 0, 0, inPadded - inPerGroup });
        }

        Tensor? bp = bias;
        if (outPadded != outPerGroup)
        {
            wp = F.pad(wp, new long[] { 0, 0, 0, 0, 0, 0, 0, outPadded - outPerGroup });
            bp = bias is null ? null : F.pad(bias.view(groups, outPerGroup), new long[] { 0, outPadded - outPerGroup }).view(groups * outPadded);
        }

        var y = F.conv2d(x, wp.view(groups * outPadded, inPadded, kh, kw), bp, strides: new[] { stride.Y, stride.X }, padding: new[] { padding.Y, padding.X }, groups: groups);
        if (outPadded != outPerGroup)
        {
            long oh = y.shape[2], ow = y.shape[3];
            y = y.view(n, groups, outPadded, oh, ow).narrow(2, 0, outPerGroup).reshape(n, groups * outPerGroup, oh, ow);
        }

        return y.MoveToOuterDisposeScope();
    }

    /// <summary>conv_transpose2d (no padding) on an explicit, concrete route.</summary>
    internal static Tensor ConvTranspose2d(ConvolutionRoute route, Tensor input, Tensor weight, long stride, long groups)
    {
        ApplyOnCpu(route, input);
        long outPerGroup = weight.shape[1];
        long padded = route == ConvolutionRoute.ChannelPadded ? PaddedTransposedOutputs(outPerGroup) : outPerGroup;
        if (padded == outPerGroup)
        {
            return F.conv_transpose2d(input, weight, strides: new[] { stride, stride }, groups: groups);
        }

        using var scope = torch.NewDisposeScope();
        var wp = F.pad(weight, new long[] { 0, 0, 0, 0, 0, padded - outPerGroup });
        var y = F.conv_transpose2d(input, wp, strides: new[] { stride, stride }, groups: groups);
        long n = y.shape[0], h = y.shape[2], w = y.shape[3];
        return y.view(n, groups, padded, h, w).narrow(2, 0, outPerGroup).reshape(n, groups * outPerGroup, h, w).MoveToOuterDisposeScope();
    }

    // libtorch's switches are process-wide and the routes are decided for float32 CPU kernels: a CUDA, float64 or bf16
    // call must not flip them (it would turn oneDNN back on for everyone where Auto chose OneDnnDisabled).
    private static void ApplyOnCpu(ConvolutionRoute route, Tensor input)
    {
        if (input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32)
        {
            ConvolutionRouting.Apply(route);
        }
    }

    /// <summary>
    /// Stride-2 transposed convolution as four ordinary convolutions, one per output phase (row parity, column
    /// parity). Output row 2t+r collects the input rows t-j with kernel row r+2j, which is a correlation of the input
    /// with the flipped sub-kernel rows r, r+2, ... padded by (taps - 1) on both sides.
    /// </summary>
    internal static Tensor SubPixelUpsample2x(ConvolutionRoute route, Tensor input, Tensor weight, long groups)
    {
        long inPerGroup = weight.shape[0] / groups, outPerGroup = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        long n = input.shape[0], h = input.shape[2], w = input.shape[3];
        using var scope = torch.NewDisposeScope();

        // [G*I, O, k, k] -> [G*O, I, k, k]: the convolution layout, per group.
        var wc = weight.view(groups, inPerGroup, outPerGroup, kh, kw).transpose(1, 2).reshape(groups * outPerGroup, inPerGroup, kh, kw);
        var output = torch.zeros(new[] { n, groups * outPerGroup, (2 * (h - 1)) + kh, (2 * (w - 1)) + kw }, dtype: input.dtype, device: input.device);
        // A phase without taps (the odd rows of a 1-wide kernel) stays zero.
        for (long ry = 0; ry < Math.Min(2, kh); ry++)
        {
            var rows = FlippedPhaseTaps(ry, kh, input.device);
            for (long rx = 0; rx < Math.Min(2, kw); rx++)
            {
                var cols = FlippedPhaseTaps(rx, kw, input.device);
                var k = wc.index_select(2, rows).index_select(3, cols);
                var phase = Conv2d(route, input, k, null, (1, 1), (rows.shape[0] - 1, cols.shape[0] - 1), groups);
                output[TensorIndex.Ellipsis, TensorIndex.Slice(ry, null, 2), TensorIndex.Slice(rx, null, 2)] = phase;
            }
        }

        return output.MoveToOuterDisposeScope();
    }

    // Kernel indices r, r+2, ... below k, last first (the correlation order).
    private static Tensor FlippedPhaseTaps(long phase, long kernel, Device device)
    {
        var taps = new List<long>();
        for (long m = phase; m < kernel; m += 2)
        {
            taps.Insert(0, m);
        }

        return torch.tensor(taps.ToArray(), device: device);
    }

    /// <summary>
    /// Input channels per group the channel-padded route convolves. Measured exact on an affected CPU: forward with up
    /// to 16 or a multiple of 16; the input gradient (a transposed convolution whose outputs are these channels) only
    /// with up to 16 or a multiple of 32, so an input that needs a gradient is padded to 32.
    /// </summary>
    internal static long PaddedInputChannels(long inPerGroup, bool needsInputGradient)
    {
        long multiple = needsInputGradient ? InputChannelMultipleWithGradient : InputChannelMultiple;
        return inPerGroup <= InputChannelMultiple || inPerGroup % multiple == 0 ? inPerGroup : (inPerGroup + multiple - 1) / multiple * multiple;
    }

    /// <summary>
    /// Output channels per group the channel-padded route computes. Measured on an affected CPU: the input gradient of a
    /// convolution with a spatial kernel and fewer than 16 outputs is wrong (even NaN), single-channel filters included;
    /// 1x1 kernels, depthwise convolutions (the fused blur) and the forward pass are exact. So a non-depthwise convolution
    /// with a spatial kernel whose input needs a gradient gets 16 outputs (zero weights, cropped); the depthwise blur,
    /// which would cost 16x, is left alone.
    /// </summary>
    internal static long PaddedOutputChannels(long outPerGroup, bool depthwise, long kernelArea, bool needsInputGradient)
        => needsInputGradient && kernelArea > 1 && !depthwise && outPerGroup < InputChannelMultiple ? InputChannelMultiple : outPerGroup;

    /// <summary>Transposed-convolution outputs per group the channel-padded route computes (measured exact: up to 32, or multiples of 32).</summary>
    internal static long PaddedTransposedOutputs(long outPerGroup)
        => outPerGroup <= TransposedOutputMultiple || outPerGroup % TransposedOutputMultiple == 0 ? outPerGroup : (outPerGroup + TransposedOutputMultiple - 1) / TransposedOutputMultiple * TransposedOutputMultiple;
}
