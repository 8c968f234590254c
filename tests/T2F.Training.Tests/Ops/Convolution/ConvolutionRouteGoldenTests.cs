using T2F.Core.Generation;
using T2F.Core.Ops;
using T2F.Core.Ops.Convolution;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Training;
using static TorchSharp.torch;
using Xunit;
using T2F.Core.Torch;

namespace T2F.Core.Tests.Ops;

/// <summary>
/// The fallback convolution routes and the sub-pixel up-sampling against the reference's golden vectors, forced on
/// whatever CPU runs the tests, so the routes an affected CPU takes stay tested where the CPU is healthy.
/// </summary>
// Serial: the OneDnnDisabled cases switch libtorch's oneDNN off for the whole process while they run; tests beside them
// would compute on ATen's kernels, exact but not bit-identical to oneDNN's, and those that compare two runs bit for bit
// (a bundle round trip, the same seed twice) would see the difference.
[Collection(ProcessWideStateCollection.Name)]
[Trait("Category", "Golden")]
public class ConvolutionRouteGoldenTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    public static TheoryData<ConvolutionRoute, UpsampleFormulation> Routes => new()
    {
        { ConvolutionRoute.Auto, UpsampleFormulation.Transposed },
        { ConvolutionRoute.Auto, UpsampleFormulation.SubPixel },
        { ConvolutionRoute.ChannelPadded, UpsampleFormulation.Transposed },
        { ConvolutionRoute.ChannelPadded, UpsampleFormulation.SubPixel },
        { ConvolutionRoute.OneDnnDisabled, UpsampleFormulation.Transposed },
        { ConvolutionRoute.OneDnnDisabled, UpsampleFormulation.SubPixel },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public void GeneratorImageAndEveryLayerMatchOnTheRoute(ConvolutionRoute route, UpsampleFormulation formulation)
    {
        using var routeScope = OpSettings.Use(OpSettings.Current with { ConvolutionRoute = route, UpsampleFormulation = formulation });
        foreach (var strategy in new[] { ModulatedConvStrategy.GroupedWeights, ModulatedConvStrategy.InputScaling })
        {
            using var scope = NewDisposeScope();
            using var g = G.LoadGenerator();
            g.SetModulatedConvStrategy(strategy);
            using var capture = new TraceCapture();
            var traces = capture.Traces;
            GeneratorOutput output;
            using (ModuleTrace.Start(g, capture.Sink))
            {
                output = g.Generate(new[] { G.Tensor("input.z") }, new GeneratorForwardOptions { Noise = NoiseMode.Explicit, NoiseTensors = G.Noise() });
            }

            TensorAssert.Close(G.Tensor("out.img"), output.Image, StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, $"out.img ({route}, {formulation}, {strategy})");
            foreach (var name in G.TensorNames("trace.g."))
            {
                TensorAssert.Close(G.Tensor(name), traces[name["trace.g.".Length..]], StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, $"{name} ({route}, {formulation}, {strategy})");
            }
        }
    }

    [Theory]
    [InlineData(ConvolutionRoute.Auto)]
    [InlineData(ConvolutionRoute.ChannelPadded)]
    [InlineData(ConvolutionRoute.OneDnnDisabled)]
    public void DiscriminatorLogitsAndR1GradientMatchOnTheRoute(ConvolutionRoute route)
    {
        using var routeScope = OpSettings.Use(OpSettings.Current with { ConvolutionRoute = route });
        using var scope = NewDisposeScope();
        using var d = G.LoadDiscriminator();
        TensorAssert.Close(G.Tensor("out.d_fake"), d.forward(G.Tensor("out.img")), StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, $"out.d_fake ({route})");

        // The R1 gradient is the input gradient of every discriminator convolution: the backward kernels of the route.
        var real = G.Tensor("input.real").requires_grad_(true);
        var grad = StyleGan2Losses.R1Gradient(d.forward(real), real);
        TensorAssert.Close(G.Tensor("out.r1_grad_real"), grad, 1e-6, 1e-4, $"out.r1_grad_real ({route})");
    }
}
