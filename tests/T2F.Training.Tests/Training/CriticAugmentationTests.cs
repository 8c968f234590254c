using T2F.Core.Training;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Training;

// ProjectorTrainingOptions.AttributeAugment: what the attribute critic sees of a generated face.
public class CriticAugmentationTests
{
    [Fact]
    public void DrawsDependOnlyOnSeedAndStep()
    {
        using var scope = NewDisposeScope();
        var images = randn(new long[] { 4, 3, 32, 32 }, generator: new Generator(5));
        var a = CriticAugmentation.Apply(images, seed: 3, step: 10);
        var b = CriticAugmentation.Apply(images, seed: 3, step: 10);
        Assert.True(a.allclose(b, rtol: 0, atol: 0), "same seed and step must give the same faces (a resumed run sees the same draws)");
        Assert.False(a.allclose(CriticAugmentation.Apply(images, seed: 3, step: 11), rtol: 0, atol: 1e-3), "the next step must draw anew");
        Assert.False(a.allclose(CriticAugmentation.Apply(images, seed: 4, step: 10), rtol: 0, atol: 1e-3), "another seed must draw anew");
        Assert.Equal(images.shape, a.shape);
    }

    [Fact]
    public void GradientsReachTheGeneratedFaces()
    {
        using var scope = NewDisposeScope();
        var images = randn(2, 3, 16, 16).requires_grad_(true);
        CriticAugmentation.Apply(images, seed: 1, step: 0).square().sum().backward();
        Assert.NotNull(images.grad);
        Assert.True(images.grad!.abs().sum().item<float>() > 0, "the critic's gradient must flow back through flip, shift and noise");
    }

    [Fact]
    public void ABrightPixelMovesAtMostTheMaximumShiftAndIsMirroredAboutHalfTheTime()
    {
        using var scope = NewDisposeScope();
        const int size = 64, y0 = 20, x0 = 12, n = 64;
        int shift = CriticAugmentation.MaxShift(size);
        Assert.Equal(4, shift);
        var images = zeros(n, 3, size, size);
        images[TensorIndex.Colon, TensorIndex.Colon, y0, x0] = tensor(10f);
        var result = CriticAugmentation.Apply(images, seed: 7, step: 2).mean(new long[] { 1 }); // [n, size, size]
        int mirrored = 0, unmoved = 0;
        for (int i = 0; i < n; i++)
        {
            int at = (int)result[i].flatten().argmax().item<long>();
            int y = at / size, x = at % size;
            Assert.InRange(y, y0 - shift, y0 + shift);
            bool flipped = Math.Abs(x - (size - 1 - x0)) <= shift;
            Assert.True(flipped || Math.Abs(x - x0) <= shift, $"face {i}: the pixel at ({y0}, {x0}) went to ({y}, {x}), more than {shift} px from it or its mirror image");
            mirrored += flipped ? 1 : 0;
            unmoved += y == y0 && x == x0 ? 1 : 0;
        }

        Assert.InRange(mirrored, n / 4, 3 * n / 4);
        Assert.True(unmoved < n / 4, $"{unmoved} of {n} faces were not shifted: the shift must be drawn per face");

        // Away from the pixel only the noise remains: zero mean, standard deviation NoiseStd.
        var background = CriticAugmentation.Apply(zeros(n, 3, size, size), seed: 7, step: 2);
        Assert.InRange(background.mean().item<float>(), -0.005, 0.005);
        Assert.InRange(background.std().item<float>(), CriticAugmentation.NoiseStd * 0.95, CriticAugmentation.NoiseStd * 1.05);
    }
}
