using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// The random, differentiable changes a generated face goes through before the projector's attribute critic sees it
/// (<see cref="ProjectorTrainingOptions.AttributeAugment"/>): a horizontal flip with probability 1/2, a shift of up to
/// R/16 pixels each way (reflect padding) and Gaussian pixel noise of standard deviation 0.05. A projector trained
/// against one frozen classifier learns pixel patterns that move that classifier's logits without drawing the
/// attribute (on the step-24,000 default model the critic found 88.6 % of the stated attributes, the evaluation
/// classifier 72.1 %, real faces 79 %: docs/default-model.md); such patterns rarely survive a flip, a shift and noise
/// together, while an attribute a person would see does (every CelebA attribute is mirror-symmetric).
/// </summary>
internal static class CriticAugmentation
{
    /// <summary>Standard deviation of the added pixel noise, on the [-1, 1] image scale.</summary>
    internal const double NoiseStd = 0.05;

    /// <summary>The largest shift for resolution <paramref name="resolution"/>: R/16 pixels, at least 1.</summary>
    internal static int MaxShift(long resolution) => (int)Math.Max(1, resolution / 16);

    /// <summary>
    /// Augments <paramref name="images"/> [N, 3, R, R]; the draws depend only on (<paramref name="seed"/>,
    /// <paramref name="step"/>), so a resumed run sees the same ones. Gradients flow to the input.
    /// </summary>
    internal static Tensor Apply(Tensor images, long seed, long step)
    {
        long n = images.shape[0], r = images.shape[3];
        int shift = MaxShift(r);
        using var gen = new torch.Generator(Data.DeterministicRandom.Derive(seed, step, 0xC417));
        var draws = torch.rand(new long[] { n, 3 }, generator: gen);
        var noise = torch.randn(images.shape, generator: gen).to(images.device) * NoiseStd;
        var u = draws.data<float>().ToArray();
        var padded = nn.functional.pad(images, new long[] { shift, shift, shift, shift }, PaddingModes.Reflect);
        var faces = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            int dy = (int)Math.Min(2 * shift, Math.Floor(u[(i * 3) + 1] * ((2 * shift) + 1)));
            int dx = (int)Math.Min(2 * shift, Math.Floor(u[(i * 3) + 2] * ((2 * shift) + 1)));
            var face = padded[i].narrow(1, dy, r).narrow(2, dx, r);
            faces[i] = u[i * 3] < 0.5f ? face.flip(2) : face;
        }

        return torch.stack(faces) + noise;
    }
}
