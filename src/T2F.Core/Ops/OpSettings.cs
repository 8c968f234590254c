using System.Collections.Concurrent;
using T2F.Core.Ops.Convolution;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Ops;

/// <summary>
/// The ops' settings (<see cref="OpOptions"/>): a process default, set once at start-up, and scopes that override it
/// for the code they wrap. A scope lives in an <see cref="AsyncLocal{T}"/>: it flows into awaits, <c>Task.Run</c>,
/// <c>Parallel.For</c> and threads started inside it, and nothing outside it (another request, another test, a thread
/// started before it) sees it.
/// <code>
/// using (OpSettings.Use(OpBackend.Reference))
/// {
///     var image = generator.Generate(z);   // the reference path, on this flow only
/// }
/// </code>
/// Work handed to a loop that was started elsewhere runs with that loop's settings, not the caller's: the micro-batches of a
/// <see cref="Serving.TextToFaceService"/> run with the settings of the flow that created the service (its unbatched
/// requests with their caller's).
/// </summary>
public static class OpSettings
{
    private static readonly ConcurrentDictionary<string, bool> Logged = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<OpOptions?> Scoped = new();
    private static readonly object DefaultGate = new();
    private static OpOptions processDefault = FromEnvironment();
    private static volatile bool defaultRead;

    /// <summary>
    /// The process default: what runs outside every scope. It starts from the environment (<c>T2F_CONV_ROUTE</c>: auto,
    /// native, channel-padded, onednn-disabled) and may be set at start-up, before the first op or model load reads it;
    /// after that, setting it throws, because work already running would change its settings midway: use
    /// <see cref="Use(OpOptions)"/> for a scope instead.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after an op of this process read the settings.</exception>
    public static OpOptions Default
    {
        get => processDefault;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (DefaultGate)
            {
                if (defaultRead)
                {
                    throw new InvalidOperationException("OpSettings.Default is the process default and ops of this process have already read it; set it once at start-up (or with T2F_CONV_ROUTE), before the first model or op, and use 'using (OpSettings.Use(...))' to change the settings for a scope.");
                }

                processDefault = value;
            }
        }
    }

    /// <summary>The settings in effect here: the innermost scope of this flow, else <see cref="Default"/> (which reading it fixes).</summary>
    public static OpOptions Current
    {
        get
        {
            if (Scoped.Value is { } scoped)
            {
                return scoped;
            }

            if (!defaultRead)
            {
                lock (DefaultGate)
                {
                    defaultRead = true;
                }
            }

            return processDefault;
        }
    }

    /// <summary>Where the ops' one-time notices (such as "no CUDA driver, using the reference path") go, for the whole process. Default: standard error.</summary>
    public static Action<string> Log { get; set; } = message => Console.Error.WriteLine(message);

    /// <summary>
    /// Runs the code until the result is disposed with <paramref name="options"/> (on this flow and the work it starts);
    /// disposing restores the settings that were current before. Scopes nest.
    /// </summary>
    /// <param name="options">The settings for the scope.</param>
    public static IDisposable Use(OpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool holdsOneDnnOff = options.ConvolutionRoute == ConvolutionRoute.OneDnnDisabled;
        if (holdsOneDnnOff)
        {
            // libtorch's oneDNN switch is process-wide: it stays off while this scope lives, whatever other flows run.
            ConvolutionRouting.HoldOneDnnDisabled();
        }

        var previous = Scoped.Value;
        Scoped.Value = options;
        return new Scope(previous, holdsOneDnnOff);
    }

    /// <summary>Runs the code until the result is disposed with <paramref name="backend"/> and the other settings as they are.</summary>
    /// <param name="backend">The backend for the scope.</param>
    public static IDisposable Use(OpBackend backend) => Use(Current with { Backend = backend });

    /// <summary>The backend an op on <paramref name="tensor"/> actually runs with under <see cref="Current"/>.</summary>
    /// <param name="tensor">The op's main input.</param>
    public static OpBackend Resolve(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        bool onCuda = tensor.device_type == DeviceType.CUDA;
        switch (Current.Backend)
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
    public static ConvolutionRoute ParseRoute(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => ConvolutionRoute.Auto,
        "native" => ConvolutionRoute.Native,
        "channel-padded" or "channelpadded" => ConvolutionRoute.ChannelPadded,
        "onednn-disabled" or "onednndisabled" => ConvolutionRoute.OneDnnDisabled,
        _ => throw new ArgumentException($"T2F_CONV_ROUTE='{value}' is not a convolution route; use auto, native, channel-padded or onednn-disabled."),
    };

    /// <summary>Logs <paramref name="message"/> once per <paramref name="key"/> for the process.</summary>
    internal static void LogOnce(string key, string message)
    {
        if (Logged.TryAdd(key, true))
        {
            Log(message);
        }
    }

    // An unusable T2F_CONV_ROUTE must not throw from a type initializer (that would surface as a TypeInitializationException
    // on the first op): it is reported once and ignored.
    private static OpOptions FromEnvironment()
    {
        try
        {
            return new OpOptions { ConvolutionRoute = ParseRoute(Environment.GetEnvironmentVariable("T2F_CONV_ROUTE")) };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"T2F.Core: {e.Message} Using auto.");
            return new OpOptions();
        }
    }

    /// <summary>Ends a scope: restores what was current when it began, on the flow that disposes it (the same flow under <c>using</c>, also after awaits).</summary>
    private sealed class Scope(OpOptions? previous, bool holdsOneDnnOff) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }

            Scoped.Value = previous;
            if (holdsOneDnnOff)
            {
                ConvolutionRouting.ReleaseOneDnnDisabled();
            }
        }
    }
}
