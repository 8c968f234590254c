using T2F.Core.Ops;
using T2F.Core.Ops.Convolution;

namespace T2F.Core.Tests.TestSupport;

/// <summary>Forces a convolution route and up-sampling formulation for a test, restoring the previous settings.</summary>
public sealed class ConvolutionRouteScope : IDisposable
{
    private readonly ConvolutionRoute previousRoute = OpSettings.ConvolutionRoute;
    private readonly UpsampleFormulation previousFormulation = OpSettings.UpsampleFormulation;

    public ConvolutionRouteScope(ConvolutionRoute route, UpsampleFormulation formulation = UpsampleFormulation.Transposed)
    {
        OpSettings.ConvolutionRoute = route;
        OpSettings.UpsampleFormulation = formulation;
    }

    public void Dispose()
    {
        OpSettings.ConvolutionRoute = previousRoute;
        OpSettings.UpsampleFormulation = previousFormulation;
    }
}
