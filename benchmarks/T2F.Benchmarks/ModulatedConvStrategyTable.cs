using System.Diagnostics;
using T2F.Core.Generation;
using TorchSharp;
using static TorchSharp.torch;
using T2F.Core.Ops;

namespace T2F.Benchmarks;

/// <summary>
/// Measures both modulated-convolution strategies on every layer shape of a config-f generator and prints a
/// Markdown table (median of interleaved runs). This is what <see cref="ModulatedConv2d"/>'s automatic choice is
/// derived from: <c>dotnet run -c Release --project benchmarks/T2F.Benchmarks -- modconv-strategies [--size 256] [--reps 5]</c>.
/// </summary>
public static class ModulatedConvStrategyTable
{
    public static void Run(string[] args)
    {
        int size = ArgValue(args, "--size", 256);
        int reps = ArgValue(args, "--reps", 5);
        var channels = StyleGan2Defaults.Channels(2, size);
        Console.WriteLine($"| batch | layer | resolution | in -> out | grouped (ms) | input scaling (ms) | faster |");
        Console.WriteLine("|---:|---|---:|---|---:|---:|---|");
        using var noGrad = torch.no_grad();
        foreach (int batch in new[] { 1, 8 })
        {
            for (int r = 4; r <= size; r *= 2)
            {
                var layers = new List<(string Name, int In, int Out, int K, bool Up, bool Demod, int InputRes)>();
                if (r > 4)
                {
                    layers.Add(("conv up", channels[r / 2], channels[r], 3, true, true, r / 2));
                }

                layers.Add(("conv", channels[r], channels[r], 3, false, true, r));
                layers.Add(("to_rgb", channels[r], 3, 1, false, false, r));
                foreach (var layer in layers)
                {
                    using var scope = torch.NewDisposeScope();
                    torch.manual_seed(1);
                    var conv = new ModulatedConv2d(layer.In, layer.Out, layer.K, 512, layer.Demod, layer.Up);
                    var x = torch.randn(batch, layer.In, layer.InputRes, layer.InputRes);
                    var w = torch.randn(batch, 512);
                    var grouped = new List<double>();
                    var scaled = new List<double>();
                    for (int i = 0; i < reps + 1; i++)
                    {
                        double g = Time(conv, ModulatedConvStrategy.GroupedWeights, x, w);
                        double s = Time(conv, ModulatedConvStrategy.InputScaling, x, w);
                        if (i > 0)
                        {
                            grouped.Add(g);
                            scaled.Add(s);
                        }
                    }

                    double mg = Median(grouped), ms = Median(scaled);
                    Console.WriteLine($"| {batch} | {layer.Name} | {r} | {layer.In} -> {layer.Out} | {mg:F2} | {ms:F2} | {(mg < ms ? "grouped" : "input scaling")} |");
                    conv.Dispose();
                }
            }
        }
    }

    private static double Time(ModulatedConv2d conv, ModulatedConvStrategy strategy, Tensor x, Tensor w)
    {
        conv.Strategy = strategy;
        using var scope = torch.NewDisposeScope();
        var sw = Stopwatch.StartNew();
        var y = conv.forward(x, w);
        _ = y.sum().item<float>();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
