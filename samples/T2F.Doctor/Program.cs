// Prints what T2F.Core runs on and whether it computes correctly here: versions, CPU, libtorch's oneDNN and NNPACK
// state, the convolution self-check of every route, the route the library takes, CUDA.
//
//   dotnet run --project samples/T2F.Doctor -c Release [-- --route auto|native|channel-padded|onednn-disabled]
//
// Exit codes: 0 the library computes correctly here (on whatever route), 1 it cannot, 2 usage error.
using T2F.Core.Diagnostics;
using T2F.Core.Ops;
using T2F.Core.Ops.Convolution;

namespace T2F.Samples.Doctor;

public static class Program
{
    private const string Usage = """
        Usage: T2F.Doctor [--route auto|native|channel-padded|onednn-disabled] [--quiet]
          --route   force a convolution route (default: auto, or T2F_CONV_ROUTE)
          --quiet   print the summary only, not the self-check tables of every route
        """;

    public static int Main(string[] args)
    {
        bool quiet = false;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--route" when i + 1 < args.Length:
                        OpSettings.Default = OpSettings.Default with { ConvolutionRoute = OpSettings.ParseRoute(args[++i]) };
                        break;
                    case "--quiet":
                        quiet = true;
                        break;
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        throw new ArgumentException($"unknown or incomplete option '{args[i]}'.");
                }
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

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
