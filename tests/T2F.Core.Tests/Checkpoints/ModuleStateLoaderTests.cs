using T2F.Core.Checkpoints;
using T2F.Core.Generation;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

public class ModuleStateLoaderTests
{
    [Theory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float16)]
    public void ValuesAreCastToTheModulesDtype(ScalarType fileType)
    {
        using var scope = NewDisposeScope();
        using var layer = new EqualLinear(4, 3);
        var state = layer.state_dict().ToDictionary(p => p.Key, p => full(p.Value.shape, 0.5, fileType));
        ModuleStateLoader.Load(layer, state, "test");
        Assert.All(layer.state_dict().Values, t =>
        {
            Assert.Equal(ScalarType.Float32, t.dtype);
            Assert.Equal(0.5f, t.flatten()[0].item<float>());
        });
    }
}
