using T2F.Core.Diagnostics;

namespace T2F.Core.Ops.Convolution;

/// <summary>
/// Resolves <see cref="ConvolutionRoute.Auto"/> once per process (the numerics self-check) and keeps libtorch's
/// process-wide switches in the state the active route needs.
/// </summary>
internal static class ConvolutionRouting
{
    private static readonly Lazy<ConvolutionRoutingDecision> AutoDecision = new(DecideAndLog, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly object SwitchGate = new();
    private static bool? oneDnnEnabledByRoute;
    private static bool nnpackChecked;

    /// <summary>The Auto decision, running the self-check on first use.</summary>
    public static ConvolutionRoutingDecision Decision => AutoDecision.Value;

    /// <summary>True once the Auto decision was made in this process.</summary>
    public static bool Decided => AutoDecision.IsValueCreated;

    /// <summary>
    /// Starts the Auto decision on a thread-pool thread when the setting is Auto and it is not made yet, so that the
    /// self-check (0.1-0.3 s) overlaps work that needs no convolution, such as reading a model's weights. The first
    /// convolution then waits for it, as it would have run it; a failure is kept and thrown there.
    /// </summary>
    public static void Prefetch()
    {
        if (OpSettings.ConvolutionRoute != ConvolutionRoute.Auto || AutoDecision.IsValueCreated)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static _ =>
            {
                try
                {
                    _ = AutoDecision.Value;
                }
                catch (Exception)
                {
                    // Lazy keeps the exception: the first convolution rethrows it where the caller can see it.
                }
            },
            null);
    }

    /// <summary>The concrete route of the current setting.</summary>
    public static ConvolutionRoute Resolve()
    {
        var setting = OpSettings.ConvolutionRoute;
        return setting == ConvolutionRoute.Auto ? Decision.Route : setting;
    }

    private static ConvolutionRoutingDecision DecideAndLog()
    {
        var decision = Decide(NumericsSelfCheck.Run);
        if (decision.Route != ConvolutionRoute.Native || !decision.Exact)
        {
            OpSettings.Log(decision.Message);
        }

        return decision;
    }

    /// <summary>
    /// Tries the routes fastest first: native, then channel padding, then oneDNN off, keeping the first whose
    /// self-check passes. <paramref name="check"/> runs the battery on one route (a seam for tests).
    /// </summary>
    internal static ConvolutionRoutingDecision Decide(Func<ConvolutionRoute, SelfCheckReport> check)
    {
        var reports = new List<SelfCheckReport>();
        var native = check(ConvolutionRoute.Native);
        reports.Add(native);
        if (native.Passed)
        {
            return new ConvolutionRoutingDecision(ConvolutionRoute.Native, reports, true, $"T2F.Core: convolution self-check passed ({native.Summary}); using libtorch's native kernels.");
        }

        string detected = $"libtorch's float32 convolutions are wrong on this CPU ({native.FailedCount} of {native.Cases.Count} self-check cases, relative error up to {SelfCheckReport.FormatError(native.MaxError)}: {string.Join("; ", native.Cases.Where(c => !c.Passed).Take(3).Select(c => c.Name))})";
        foreach (var fallback in new[] { ConvolutionRoute.ChannelPadded, ConvolutionRoute.OneDnnDisabled })
        {
            var report = check(fallback);
            reports.Add(report);
            if (report.Passed)
            {
                return new ConvolutionRoutingDecision(fallback, reports, true, $"T2F.Core: {detected}; using the {Describe(fallback)} route, exact on all {report.Cases.Count} cases (override: OpSettings.ConvolutionRoute or T2F_CONV_ROUTE).");
            }
        }

        Apply(ConvolutionRoute.Native);
        return new ConvolutionRoutingDecision(ConvolutionRoute.Native, reports, false, $"T2F.Core: {detected}, and no fallback route was exact either ({string.Join("; ", reports.Skip(1).Select(r => r.Summary))}); results on this machine cannot be trusted. Run samples/T2F.Doctor for the table.");
    }

    /// <summary>Puts libtorch's oneDNN switch where <paramref name="route"/> needs it (a no-op when it already is). On first
    /// use it also switches NNPACK off where it failed to initialise (it is never used then, but logs on every call) and
    /// tunes glibc's allocator for libtorch's large buffers (<see cref="NativeAllocator"/>).</summary>
    public static void Apply(ConvolutionRoute route)
    {
        bool wantOneDnn = route != ConvolutionRoute.OneDnnDisabled;
        if (oneDnnEnabledByRoute == wantOneDnn && nnpackChecked)
        {
            return;
        }

        lock (SwitchGate)
        {
            if (!nnpackChecked)
            {
                nnpackChecked = true;
                NativeAllocator.EnsureApplied();
                if (LibTorchContext.NnpackAvailable == false)
                {
                    LibTorchContext.SetNnpackEnabled(false);
                }
            }

            if (oneDnnEnabledByRoute != wantOneDnn)
            {
                if (!LibTorchContext.SetOneDnnEnabled(wantOneDnn) && !wantOneDnn)
                {
                    throw new PlatformNotSupportedException("The OneDnnDisabled convolution route needs libtorch's at::Context, which could not be bound on this platform; choose ChannelPadded or Native.");
                }

                oneDnnEnabledByRoute = wantOneDnn;
            }
        }
    }

    /// <summary>A route's name for log lines.</summary>
    public static string Describe(ConvolutionRoute route) => route switch
    {
        ConvolutionRoute.Native => "native (oneDNN as libtorch picks it)",
        ConvolutionRoute.ChannelPadded => "channel-padded (oneDNN on padded channel counts)",
        ConvolutionRoute.OneDnnDisabled => "oneDNN-disabled (ATen's own convolution kernels, process-wide)",
        _ => route.ToString(),
    };
}
