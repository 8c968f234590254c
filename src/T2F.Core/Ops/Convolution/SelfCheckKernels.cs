using T2F.Core.Ops.Convolution;
using static TorchSharp.torch;

namespace T2F.Core.Ops.Convolution;

/// <summary>The float32 convolutions the self-check tests; the library's own by default, replaceable in tests.</summary>
/// <param name="Conv2d">(route, input, weight, stride, padding, groups) -> output.</param>
/// <param name="ConvTranspose2d">(route, input, weight, stride, groups) -> output.</param>
internal sealed record SelfCheckKernels(
    Func<ConvolutionRoute, Tensor, Tensor, long, long, long, Tensor> Conv2d,
    Func<ConvolutionRoute, Tensor, Tensor, long, long, Tensor> ConvTranspose2d)
{
    /// <summary>The library's routed convolutions.</summary>
    public static SelfCheckKernels Library { get; } = new(
        (route, x, w, stride, padding, groups) => Convolutions.Conv2d(route, x, w, null, (stride, stride), (padding, padding), groups),
        (route, x, w, stride, groups) => Convolutions.ConvTranspose2d(route, x, w, stride, groups));
}
