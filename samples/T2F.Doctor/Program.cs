// Prints what T2F.Core runs on and whether it computes correctly here: versions, CPU, libtorch's oneDNN and NNPACK
// state, the convolution self-check of every route, the route the library takes, CUDA.
//
//   dotnet run --project samples/T2F.Doctor -c Release [-- --route auto|native|channel-padded|onednn-disabled]
//
// Exit codes: 0 the library computes correctly here (on whatever route), 1 it cannot, 2 usage error.
using System.CommandLine;
using T2F.Core.Diagnostics;
using T2F.Core.Ops;
using T2F.Core.Ops.Convolution;
using T2F.Samples.Shared;

namespace T2F.Samples.Doctor;

public static class Program
{
    public static int Main(string[] args) => SampleCommandLine.Invoke(CreateCommand(), args);

    // Options as .ci/run and docs/correct-on-every-cpu.md use them.
    private static RootCommand CreateCommand()
    {
        var route = SampleOptions.Parsed("--route", "ROUTE", "force a convolution route: auto, native, channel-padded or onednn-disabled (default: auto, or T2F_CONV_ROUTE)", "auto, native, channel-padded or onednn-disabled", IsRoute);
        var quiet = new Option<bool>("--quiet") { Description = "print the summary only, not the self-check tables of every route" };
        var root = SampleCommandLine.CreateRoot("T2F.Doctor", "Prints what T2F.Core runs on and whether it computes correctly here: versions, CPU, libtorch's oneDNN and NNPACK state, the convolution self-check of every route, the route the library takes, CUDA. Exit codes: 0 the library computes correctly here, 1 it cannot, 2 usage error.",
            route, quiet);
        root.SetAction(r =>
        {
            if (r.GetValue(route) is { } name)
            {
                OpSettings.Default = OpSettings.Default with { ConvolutionRoute = OpSettings.ParseRoute(name) };
            }

            return Run(r.GetValue(quiet));
        });
        return root;
    }

    // The names OpSettings.ParseRoute reads (case and spaces aside, channelpadded, onednndisabled).
    private static string? IsRoute(string text)
    {
        try
        {
            OpSettings.ParseRoute(text);
            return text;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int Run(bool quiet)
    {
        // The report first: it makes the Auto decision (or checks the forced route) before anything else changes libtorch's switches.
        var report = T2FDiagnostics.Collect();
        Console.WriteLine(report);
        if (report.AutoDecision is { } decision)
        {
            Console.WriteLine();
            Console.WriteLine(decision.Message);
        }

        if (!quiet)
        {
            foreach (var route in new[] { ConvolutionRoute.Native, ConvolutionRoute.ChannelPadded, ConvolutionRoute.OneDnnDisabled })
            {
                var check = NumericsSelfCheck.Run(route);
                Console.WriteLine();
                Console.WriteLine($"Self-check, route {route} ({(check.Passed ? "exact" : "WRONG")}, {check.Elapsed.TotalMilliseconds:0} ms):");
                Console.Write(check.FormatTable());
            }
        }

        Console.WriteLine();
        Console.WriteLine(report.ComputesCorrectly
            ? $"OK: T2F.Core computes correctly on this machine (route {report.ActiveRoute})."
            : $"FAIL: route {report.ActiveRoute} is not exact on this machine; T2F.Core's results cannot be trusted here.");
        return report.ComputesCorrectly ? 0 : 1;
    }
}
