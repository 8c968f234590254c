using T2F.Core.Torch;

namespace T2F.Core.Ops.Convolution;

/// <summary>
/// Resolves <see cref="ConvolutionRoute.Auto"/> once per process (the numerics self-check) and keeps libtorch's
/// process-wide switches in the state the active route needs. The route is chosen per scope (<see cref="OpSettings.Current"/>)
/// but oneDNN's switch is one for the process, so the OneDnnDisabled route holds it off (<see cref="HoldOneDnnDisabled"/>)
/// for as long as any scope, self-check or the process default needs it off; the other routes are exact either way.
/// </summary>
internal static class ConvolutionRouting
{
    private static readonly Lazy<ConvolutionRoutingDecision> AutoDecision = new(DecideAndLog, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly object SwitchGate = new();
    private static bool? oneDnnEnabledByRoute;
    private static bool nnpackChecked;
    private static int oneDnnDisabledHolds;

    // Set on the thread that runs the Auto decision: its own OneDnnDisabled self-check must not wait for the decision.
    [ThreadStatic]
    private static bool deciding;

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
        if (OpSettings.Current.ConvolutionRoute != ConvolutionRoute.Auto || AutoDecision.IsValueCreated)
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
        var setting = OpSettings.Current.ConvolutionRoute;
        return setting == ConvolutionRoute.Auto ? Decision.Route : setting;
    }

    /// <summary>
    /// Keeps libtorch's oneDNN off for the process until <see cref="ReleaseOneDnnDisabled"/>, whatever route other flows
    /// run (theirs stay exact: ChannelPadded and Native are exact on ATen's kernels too). Where the process default is
    /// Auto, the Auto decision is made first, so that its self-check of the oneDNN routes never runs with oneDNN held off.
    /// </summary>
    public static void HoldOneDnnDisabled()
    {
        if (!deciding && OpSettings.Default.ConvolutionRoute == ConvolutionRoute.Auto)
        {
            _ = Decision;
        }

        Interlocked.Increment(ref oneDnnDisabledHolds);
    }

    /// <summary>Ends one <see cref="HoldOneDnnDisabled"/>; the next convolution on another route turns oneDNN back on once none is left.</summary>
    public static void ReleaseOneDnnDisabled() => Interlocked.Decrement(ref oneDnnDisabledHolds);

    private static ConvolutionRoutingDecision DecideAndLog()
    {
        deciding = true;
        try
        {
            var decision = Decide(NumericsSelfCheck.Run);
            if (decision.Route != ConvolutionRoute.Native || !decision.Exact)
            {
                OpSettings.Log(decision.Message);
            }

            return decision;
        }
        finally
        {
            deciding = false;
        }
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
                return new ConvolutionRoutingDecision(fallback, reports, true, $"T2F.Core: {detected}; using the {Describe(fallback)} route, exact on all {report.Cases.Count} cases (override: T2F_CONV_ROUTE, OpSettings.Default or a scope, OpSettings.Use).");
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
        if (oneDnnEnabledByRoute == WantsOneDnn(route) && nnpackChecked)
        {
            return;
        }

        lock (SwitchGate)
        {
            // Again under the lock: a hold taken since the check above must win over turning oneDNN on.
            bool wantOneDnn = WantsOneDnn(route);
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

    // oneDNN stays off while a hold lives, and for good where the process default is OneDnnDisabled (forced, or Auto's
    // choice): a scope on another route must not turn it back on under the work that runs on the default.
    private static bool WantsOneDnn(ConvolutionRoute route)
    {
        if (route == ConvolutionRoute.OneDnnDisabled || Volatile.Read(ref oneDnnDisabledHolds) > 0)
        {
            return false;
        }

        var fallback = OpSettings.Default.ConvolutionRoute;
        return fallback != ConvolutionRoute.OneDnnDisabled
            && !(fallback == ConvolutionRoute.Auto && AutoDecision.IsValueCreated && AutoDecision.Value.Route == ConvolutionRoute.OneDnnDisabled);
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
