using T2F.Core.Generation;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Generation;

/// <summary>
/// <see cref="StyleGan2Model.Create"/> seeds torch's global generator for the modules' initialisers and gives the
/// caller's random stream back: the same seed builds the same weights, and the caller's next draw is the one it would
/// have been without the call.
/// </summary>
// Serial: reads and seeds torch's global random generator.
[Collection(ProcessWideStateCollection.Name)]
public class SeededCreationTests
{
    private static readonly GeneratorConfig Config = new(16, 16, 2, new Dictionary<int, int> { [4] = 16, [8] = 12, [16] = 8 }, 0.01f, StyleGan2Defaults.BlurTaps);

    [Fact]
    public void CreateBuildsTheSameWeightsForASeedAndLeavesTheCallersStreamWhereItWas()
    {
        using var scope = NewDisposeScope();
        manual_seed(123);
        var expected = randn(8);

        manual_seed(123);
        using var a = StyleGan2Model.Create(Config, seed: 7);
        var next = randn(8);
        Assert.True(next.allclose(expected, rtol: 0, atol: 0), "StyleGan2Model.Create moved the caller's global random stream");

        using var b = StyleGan2Model.Create(Config, seed: 7);
        using var c = StyleGan2Model.Create(Config, seed: 8);
        var bState = b.Generator.state_dict();
        var cState = c.Generator.state_dict();
        bool differs = false;
        foreach (var (name, tensor) in a.Generator.state_dict())
        {
            Assert.True(tensor.allclose(bState[name], rtol: 0, atol: 0), $"{name}: seed 7 built different weights twice");
            differs |= !tensor.allclose(cState[name], rtol: 0, atol: 0);
        }

        Assert.True(differs, "seeds 7 and 8 built the same weights: the seed is not used");
    }
}
