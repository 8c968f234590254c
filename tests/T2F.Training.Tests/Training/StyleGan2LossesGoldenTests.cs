using T2F.Core.Generation;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Training;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Training;

[Trait("Category", "Golden")]
public class StyleGan2LossesGoldenTests
{
    private static StyleGan2Golden G => StyleGan2Golden.Instance;

    private static void ScalarClose(string name, Tensor actual, double rtol = StyleGan2Golden.ScalarRtol)
        => TensorAssert.Close(G.Tensor(name), actual, StyleGan2Golden.ScalarAtol, rtol, name);

    [Fact]
    public void LogisticAndNonSaturatingLossesMatch()
    {
        using var scope = NewDisposeScope();
        var real = G.Tensor("out.d_real");
        var fake = G.Tensor("out.d_fake");
        ScalarClose("loss.d_logistic", StyleGan2Losses.DiscriminatorLogistic(real, fake));
        ScalarClose("loss.g_nonsaturating", StyleGan2Losses.GeneratorNonSaturating(fake));
    }

    [Fact]
    public void R1PenaltyAndItsGradientMatchAndSupportDoubleBackward()
    {
        using var scope = NewDisposeScope();
        using var d = G.LoadDiscriminator();
        var real = G.Tensor("input.real").requires_grad_(true);
        var pred = d.forward(real);
        var grad = StyleGan2Losses.R1Gradient(pred, real);
        TensorAssert.Close(G.Tensor("out.r1_grad_real"), grad, 1e-6, 1e-4, "out.r1_grad_real");
        var r1 = grad.square().reshape(grad.shape[0], -1).sum(1).mean();
        TensorAssert.Close(G.Tensor("loss.r1"), r1, 1e-7, 1e-4, "loss.r1");

        // Double backward: the penalty must have a gradient w.r.t. the discriminator's weights.
        r1.backward();
        var anyGrad = d.parameters().Any(p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);
        Assert.True(anyGrad, "R1 produced no gradient for the discriminator (create_graph lost)");
    }

    [Fact]
    public void PathLengthRegularisationMatchesOverTwoCalls()
    {
        using var scope = NewDisposeScope();
        using var g = G.LoadGenerator();
        var output = g.Generate(new[] { G.Tensor("input.z") }, new GeneratorForwardOptions { Noise = NoiseMode.Explicit, NoiseTensors = G.Noise() });
        double decay = G.Case("path_regularize").GetProperty("params").GetProperty("decay").GetDouble();
        double mean = G.Scalar("loss.path_mean_in_1");
        for (int k = 1; k <= 2; k++)
        {
            Assert.Equal(G.Scalar($"loss.path_mean_in_{k}"), (float)mean, 6);
            var result = StyleGan2Losses.PathLength(output.Image, output.Latent, mean, G.Tensor($"input.path_randn_{k}"), decay: decay);
            ScalarClose($"loss.path_penalty_{k}", result.Penalty);
            ScalarClose($"loss.path_mean_{k}", result.MeanPathLength);
            ScalarClose($"loss.path_lengths_{k}", result.PathLengths);
            mean = result.MeanPathLength.item<float>();
        }
    }
}
