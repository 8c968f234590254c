using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>Process-wide switches for the custom ops.</summary>
public static class OpSettings
{
    private static readonly ConcurrentDictionary<string, bool> Logged = new(StringComparer.Ordinal);

    /// <summary>
    /// Which implementation the ops use (default <see cref="OpBackend.Auto"/>). <see cref="OpBackend.Reference"/>
    /// reproduces the reference PyTorch code as closely as possible; the golden parity tests run every backend.
    /// </summary>
    public static OpBackend Backend { get; set; } = OpBackend.Auto;

    /// <summary>
    /// How float32 CPU convolutions run (default <see cref="Convolution.ConvolutionRoute.Auto"/>: the numerics self-check picks
    /// the fastest exact route once per process). The environment variable <c>T2F_CONV_ROUTE</c> (auto, native,
    /// channel-padded, onednn-disabled) sets the starting value, so an application can be forced without code.
    /// </summary>
    public static Convolution.ConvolutionRoute ConvolutionRoute { get; set; } = RouteFromEnvironment();

    /// <summary>How StyleGAN2's 2x up-sampling convolution is computed (default <see cref="Convolution.UpsampleFormulation.Transposed"/>;
    /// see docs/correct-on-every-cpu.md for the measurements behind the default).</summary>
    public static Convolution.UpsampleFormulation UpsampleFormulation { get; set; } = Convolution.UpsampleFormulation.Transposed;

    /// <summary>Where the ops' one-time notices (such as "no CUDA driver, using the reference path") go. Default: standard error.</summary>
    public static Action<string> Log { get; set; } = message => Console.Error.WriteLine(message);

    /// <summary>The backend an op on <paramref name="tensor"/> actually runs with under the current setting.</summary>
    /// <param name="tensor">The op's main input.</param>
    public static OpBackend Resolve(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        bool onCuda = tensor.device_type == DeviceType.CUDA;
        switch (Backend)
        {
            case OpBackend.Reference:
                return OpBackend.Reference;
            case OpBackend.CpuFused when !onCuda:
                return OpBackend.CpuFused;
            case OpBackend.CpuFused:
                LogOnce("cpu-fused-on-cuda", "T2F.Core: OpBackend.CpuFused was selected but the tensors are on CUDA; using the reference path. Select OpBackend.Cuda or Auto for CUDA tensors.");
                return OpBackend.Reference;
            case OpBackend.Cuda when !onCuda:
                LogOnce("cuda-on-cpu", "T2F.Core: OpBackend.Cuda was selected but the tensors are on the CPU; using the CPU fused path.");
                return OpBackend.CpuFused;
            default:
                if (!onCuda)
                {
                    return OpBackend.CpuFused;
                }

                if (Cuda.CudaKernels.TryGetDefault(out _, out string? why))
                {
                    return OpBackend.Cuda;
                }

                LogOnce("cuda-unavailable", $"T2F.Core: CUDA kernels unavailable ({why}); using the reference path for CUDA tensors.");
                return OpBackend.Reference;
        }
    }

    /// <summary>Parses a <c>T2F_CONV_ROUTE</c> value; null or empty is Auto.</summary>
    /// <param name="value">auto, native, channel-padded or onednn-disabled (case-insensitive).</param>
    public static Convolution.ConvolutionRoute ParseRoute(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Convolution.ConvolutionRoute.Auto,
        "native" => Convolution.ConvolutionRoute.Native,
        "channel-padded" or "channelpadded" => Convolution.ConvolutionRoute.ChannelPadded,
        "onednn-disabled" or "onednndisabled" => Convolution.ConvolutionRoute.OneDnnDisabled,
        _ => throw new ArgumentException($"T2F_CONV_ROUTE='{value}' is not a convolution route; use auto, native, channel-padded or onednn-disabled."),
    };

    // An unusable T2F_CONV_ROUTE must not throw from a type initializer (that would surface as a TypeInitializationException
    // on the first op): it is reported once and ignored.
    private static Convolution.ConvolutionRoute RouteFromEnvironment()
    {
        try
        {
            return ParseRoute(Environment.GetEnvironmentVariable("T2F_CONV_ROUTE"));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"T2F.Core: {e.Message} Using auto.");
            return Convolution.ConvolutionRoute.Auto;
        }
    }

    /// <summary>Logs <paramref name="message"/> once per <paramref name="key"/> for the process.</summary>
    internal static void LogOnce(string key, string message)
    {
        if (Logged.TryAdd(key, true))
        {
            Log(message);
        }
    }
}
