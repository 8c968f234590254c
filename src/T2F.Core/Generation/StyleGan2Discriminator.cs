using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>
/// StyleGAN2 residual discriminator (rosinality <c>model.py</c> <c>Discriminator</c>): <c>convs</c> (a 1x1 ConvLayer from RGB, then one ResBlock per
/// halving down to 4x4), minibatch standard deviation, <c>final_conv</c>, <c>final_linear</c>. Image -> logits [B, 1].
/// </summary>
public sealed class StyleGan2Discriminator : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> convs;
    private readonly ConvLayer final_conv;
    private readonly Sequential final_linear;
    private readonly EqualLinear featureLinear;
    private readonly EqualLinear logitLinear;

    /// <summary>Builds a discriminator with the reference's random initialisation.</summary>
    /// <param name="config">Architecture.</param>
    public StyleGan2Discriminator(DiscriminatorConfig config)
        : base(nameof(StyleGan2Discriminator))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var ch = config.Channels;
        var taps = config.BlurTaps;
        convs = new ModuleList<Module<Tensor, Tensor>>();
        convs.Add(new ConvLayer(3, ch[config.Size], 1, blurTaps: taps));
        for (int r = config.Size; r > 4; r /= 2)
        {
            convs.Add(new ResBlock(ch[r], ch[r / 2], taps));
        }

        final_conv = new ConvLayer(ch[4] + 1, ch[4], 3, blurTaps: taps);
        featureLinear = new EqualLinear(ch[4] * 4 * 4, ch[4], activation: true);
        logitLinear = new EqualLinear(ch[4], 1);
        final_linear = Sequential(("0", featureLinear), ("1", logitLinear));
        register_module("convs", convs);
        register_module("final_conv", final_conv);
        register_module("final_linear", final_linear);
        ModuleLifetime.DetachFromDisposeScopes(this);
    }

    /// <summary>The architecture.</summary>
    public DiscriminatorConfig Config { get; }

    /// <summary>Scores images: [B, 3, Size, Size] -> logits [B, 1]. B must be divisible by min(B, StddevGroup).</summary>
    /// <param name="input">Images in [-1, 1].</param>
    public override Tensor forward(Tensor input)
        => ModuleTrace.Report(this, logitLinear.forward(Features(input)), "final_linear");

    /// <summary>
    /// The penultimate features [B, C4] (the output of <c>final_linear.0</c>), on which the logit is a linear
    /// function; a projection discriminator adds a text term to them.
    /// </summary>
    /// <param name="input">Images in [-1, 1].</param>
    public Tensor Features(Tensor input)
    {
        TensorShapes.Expect(input, 4, "Discriminator input", $"[B, 3, {Config.Size}, {Config.Size}]");
        if (input.shape[1] != 3 || input.shape[2] != Config.Size || input.shape[3] != Config.Size)
        {
            throw new ArgumentException($"Discriminator input: expected [B, 3, {Config.Size}, {Config.Size}], got {TensorShapes.Format(input)}.", nameof(input));
        }

        var x = input;
        foreach (var block in convs)
        {
            x = block.forward(x);
        }

        x = ModuleTrace.Report(this, MinibatchStddev(x), "final_conv.input");
        x = final_conv.forward(x);
        return featureLinear.forward(x.reshape(x.shape[0], -1));
    }

    /// <summary>The last linear (features -> logit), for projection discriminators.</summary>
    /// <param name="features">[B, C4].</param>
    public Tensor Logit(Tensor features) => logitLinear.forward(features);

    /// <summary>
    /// Appends the minibatch standard deviation as the last channel: samples b, b + B/G, b + 2B/G, ... form a group
    /// of G = min(B, group); population variance over the group, sqrt(var + 1e-8), mean over C, H, W.
    /// </summary>
    private Tensor MinibatchStddev(Tensor x)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long group = Math.Min(b, Config.StddevGroup);
        if (b % group != 0)
        {
            throw new ArgumentException($"Discriminator: batch {b} must be divisible by the minibatch-stddev group size {group}; use a batch that is a multiple of {Config.StddevGroup} (or smaller than it).");
        }

        long f = Config.StddevFeatures;
        var grouped = x.view(group, -1, f, c / f, h, w);
        var std = (grouped.var(0, unbiased: false) + 1e-8).sqrt(); // [B/G, F, C/F, H, W]
        std = std.mean(new long[] { 2, 3, 4 }, keepdim: true).squeeze(2); // [B/G, F, 1, 1]
        std = std.repeat(group, 1, h, w); // [B, F, H, W]
        return torch.cat(new[] { x, std }, 1);
    }
}
