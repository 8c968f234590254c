namespace T2F.Core.Ops.Convolution;

/// <summary>
/// How float32 CPU convolutions run. Libtorch 2.10's oneDNN kernels return wrong numbers for some channel counts on
/// some CPUs (measured: AMD Zen 5 under a hypervisor that hides the cache topology); the self-check
/// (<see cref="NumericsSelfCheck"/>) finds out once per process and <see cref="Auto"/> picks the fastest
/// route that it proves exact. CUDA tensors always take libtorch's own (cuDNN) path.
/// </summary>
public enum ConvolutionRoute
{
    /// <summary>Run the self-check on first use and take <see cref="Native"/> if it passes, else <see cref="ChannelPadded"/>
    /// if that passes, else <see cref="OneDnnDisabled"/>. The choice is logged once when it is not <see cref="Native"/>.</summary>
    Auto,

    /// <summary>libtorch as it is: oneDNN where ATen picks it.</summary>
    Native,

    /// <summary>
    /// oneDNN on shapes it computes correctly: input channels per group above 16 are zero-padded to a multiple of 16,
    /// and transposed-convolution outputs per group above 32 to a multiple of 32 (zero weights, output cropped). Same
    /// result in exact arithmetic; the cost is the padded channels' extra work (at most 15/16 of a channel group).
    /// </summary>
    ChannelPadded,

    /// <summary>ATen's own convolution kernels for the whole process (<c>at::Context::setUserEnabledMkldnn(false)</c>):
    /// exact everywhere measured, 2-6x slower on the shapes measured.</summary>
    OneDnnDisabled,
}
