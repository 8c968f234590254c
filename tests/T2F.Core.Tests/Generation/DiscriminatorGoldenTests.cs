using T2F.Core.Ops;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;
using T2F.Core.Torch;

namespace T2F.Core.Tests.Generation;

[Trait("Category", "Golden")]
public class DiscriminatorGoldenTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    [Theory]
    [InlineData(OpBackend.Reference)]
    [InlineData(OpBackend.CpuFused)]
    public void LogitsAndEveryTraceMatch(OpBackend backend)
    {
        using var backendScope = OpSettings.Use(backend);
        using var scope = NewDisposeScope();
        using var d = G.LoadDiscriminator();
        using var capture = new TraceCapture();
        var traces = capture.Traces;
        Tensor fake;
        using (ModuleTrace.Start(d, capture.Sink))
        {
            fake = d.forward(G.Tensor("out.img"));
        }

        TensorAssert.Close(G.Tensor("out.d_fake"), fake, StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.d_fake");
        var names = G.TensorNames("trace.d_fake.").ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            string module = name["trace.d_fake.".Length..];
            Assert.True(traces.ContainsKey(module), $"no trace for {module}; captured: {string.Join(", ", traces.Keys)}");
            TensorAssert.Close(G.Tensor(name), traces[module], StyleGan2Golden.ImageAtol, StyleGan2Golden.ImageRtol, name);
        }
    }

    [Fact]
    public void MinibatchStddevGroupsLikeTheReference()
    {
        using var scope = NewDisposeScope();
        using var d = G.LoadDiscriminator();
        var img = G.Tensor("out.img");
        var real = G.Tensor("input.real");
        TensorAssert.Close(G.Tensor("out.d_real"), d.forward(real), StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.d_real");
        TensorAssert.Close(G.Tensor("out.d_batch8"), d.forward(cat(new[] { img, real }, 0)), StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.d_batch8");
        long half = img.shape[0] / 2;
        TensorAssert.Close(G.Tensor("out.d_batch2"), d.forward(img.narrow(0, 0, half)), StyleGan2Golden.ScalarAtol, StyleGan2Golden.ScalarRtol, "out.d_batch2");
    }

    [Fact]
    public void IndivisibleBatchGivesAClearError()
    {
        using var scope = NewDisposeScope();
        using var d = G.LoadDiscriminator();
        var ex = Assert.Throws<ArgumentException>(() => d.forward(randn(6, 3, G.Size, G.Size)));
        Assert.Contains("divisible", ex.Message);
    }
}
