using TorchSharp;
using Xunit;

namespace T2F.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void TorchSharpLoads()
    {
        using var x = torch.randn(2, 3, 8, 8);
        using var w = torch.randn(4, 3, 3, 3);
        using var y = torch.nn.functional.conv2d(x, w, padding: new long[] { 1, 1 });
        Assert.Equal(new long[] { 2, 4, 8, 8 }, y.shape);
    }
}
