using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>The reference train.py losses (rosinality <c>train.py</c> <c>d_logistic_loss</c>, <c>d_r1_loss</c>, <c>g_nonsaturating_loss</c>, <c>g_path_regularize</c>), including its quirks.</summary>
public static class StyleGan2Losses
{
    /// <summary><c>mean(softplus(-real)) + mean(softplus(fake))</c>.</summary>
    /// <param name="realPred">D logits on real images.</param>
    /// <param name="fakePred">D logits on generated images.</param>
    public static Tensor DiscriminatorLogistic(Tensor realPred, Tensor fakePred)
        => nn.functional.softplus(-realPred).mean() + nn.functional.softplus(fakePred).mean();

    /// <summary>StyleGan2Generator non-saturating loss <c>mean(softplus(-fake))</c>.</summary>
    /// <param name="fakePred">D logits on generated images.</param>
    public static Tensor GeneratorNonSaturating(Tensor fakePred) => nn.functional.softplus(-fakePred).mean();

    /// <summary>
    /// R1 penalty: <c>mean_b sum_{C,H,W} (d sum(realPred) / d realImage)^2</c>, with the graph kept so the penalty
    /// can be back-propagated (double backward). <paramref name="realImage"/> must require grad.
    /// </summary>
    /// <param name="realPred">D logits computed from <paramref name="realImage"/>.</param>
    /// <param name="realImage">Real images with requires_grad.</param>
    public static Tensor R1Penalty(Tensor realPred, Tensor realImage)
        => R1Gradient(realPred, realImage).square().reshape(realImage.shape[0], -1).sum(1).mean();

    /// <summary>The gradient R1 squares: <c>d sum(realPred) / d realImage</c> (create_graph).</summary>
    /// <param name="realPred">D logits computed from <paramref name="realImage"/>.</param>
    /// <param name="realImage">Real images with requires_grad.</param>
    public static Tensor R1Gradient(Tensor realPred, Tensor realImage)
    {
        if (!realImage.requires_grad)
        {
            throw new ArgumentException("R1 needs realImage.requires_grad = true before the discriminator runs.", nameof(realImage));
        }

        return torch.autograd.grad(new[] { realPred.sum() }, new[] { realImage }, retain_graph: true, create_graph: true)[0];
    }

    /// <summary>
    /// Path length regularisation (<c>train.py</c> <c>g_path_regularize</c>): <c>y = randn / sqrt(H W)</c>; <c>g = d sum(img * y) / d latents</c>;
    /// lengths = sqrt(mean over layers of sum over style of g^2); the mean is updated with <paramref name="decay"/> and
    /// the penalty uses the updated, non-detached mean, as the reference does.
    /// </summary>
    /// <param name="fakeImage">Generated images [B, 3, H, W] with graph.</param>
    /// <param name="latents">The [B, n_latent, style_dim] latent the images were made from (part of the graph).</param>
    /// <param name="meanPathLength">Running mean from the previous call (0 at the start).</param>
    /// <param name="randn">The N(0,1) draw shaped like the image; null draws one with <paramref name="generator"/>.</param>
    /// <param name="generator">Random source when <paramref name="randn"/> is null.</param>
    /// <param name="decay">Running-mean decay (0.01).</param>
    public static PathLengthResult PathLength(Tensor fakeImage, Tensor latents, double meanPathLength, Tensor? randn = null, torch.Generator? generator = null, double decay = 0.01)
    {
        long h = fakeImage.shape[2], w = fakeImage.shape[3];
        var draw = randn ?? torch.randn(fakeImage.shape, generator: generator).to(fakeImage.device);
        if (!draw.shape.SequenceEqual(fakeImage.shape))
        {
            throw new ArgumentException($"randn must be shaped like the image [{string.Join(", ", fakeImage.shape)}]; got [{string.Join(", ", draw.shape)}].", nameof(randn));
        }

        var noise = draw / Math.Sqrt(h * w);
        var grad = torch.autograd.grad(new[] { (fakeImage * noise).sum() }, new[] { latents }, retain_graph: true, create_graph: true)[0];
        var lengths = grad.square().sum(2).mean(new long[] { 1 }).sqrt(); // [B]
        var mean = meanPathLength + (decay * (lengths.mean() - meanPathLength));
        var penalty = (lengths - mean).square().mean();
        return new PathLengthResult(penalty, mean.detach(), lengths);
    }
}
