using T2F.Core.Generation;

namespace T2F.Core.Training;

/// <summary>Settings of the paper's projector training (frozen text encoder and generator).</summary>
public sealed record ProjectorTrainingOptions
{
    /// <summary>Image/description pairs per step.</summary>
    public int Batch { get; init; } = 8;

    /// <summary>Total steps (a resumed run continues up to this).</summary>
    public long Steps { get; init; } = 20_000;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight of the mean absolute pixel error.</summary>
    public double L1Weight { get; init; } = 1.0;

    /// <summary>Weight of the mean squared pixel error.</summary>
    public double L2Weight { get; init; }

    /// <summary>Weight of the perceptual loss (squared feature distance of the perceptual network, when one is given).</summary>
    public double PerceptualWeight { get; init; } = 1.0;

    /// <summary>Weight of the latent regulariser mean((w - w_avg)^2), keeping outputs near the W distribution.</summary>
    public double LatentWeight { get; init; } = 1e-3;

    /// <summary>Device to train on: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c> (needs a CUDA build of libtorch).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// Weight of the optional adversarial term (non-saturating loss of a text-conditioned
    /// <see cref="Projection.ProjectionDiscriminator"/> trained alongside); 0 turns it off.
    /// </summary>
    public double AdversarialWeight { get; init; }

    /// <summary>
    /// Trunk of the adversarial term's discriminator (its size must be the generator's resolution); null takes
    /// StyleGAN2's widths for the resolution (<see cref="DiscriminatorConfig.Create"/>). T2F.Train mirrors the
    /// generator's own widths (<c>new DiscriminatorConfig(size, generator channels, blur taps)</c>).
    /// </summary>
    public DiscriminatorConfig? AdversarialDiscriminator { get; init; }

    /// <summary>
    /// Weight of the optional attribute term: binary cross-entropy between a frozen attribute classifier's logits on
    /// the generated face and the ground-truth attributes of the image the description belongs to (the classifier's
    /// trained attributes only). Pixel and perceptual losses pull every face towards the average of all faces that fit
    /// a description, which washes out what the description states; this term asks for the stated attributes to be
    /// visible. 0 turns it off. Use a classifier other than the one you evaluate with.
    /// </summary>
    public double AttributeWeight { get; init; }

    /// <summary>First step (0-based) at which <see cref="AttributeWeight"/> applies; earlier steps train without it.</summary>
    public long AttributeStartStep { get; init; }

    /// <summary>
    /// Class balance of the attribute term, an exponent b in [0, 1]: a stated attribute's presence weighs
    /// ((1 - p) / p)^b times its absence, p being the attribute's frequency in the training data (estimated once from
    /// up to <see cref="AttributeFrequencySamples"/> of the data source's labels; clamped to [0.01, 0.99]). With 0 every
    /// label weighs alike, and a rare attribute (eyeglasses, a necktie, a double chin: 5-20 % of faces) is mostly
    /// learned as "absent": the projector then draws it for too few of the descriptions that state it. 1 weighs an
    /// attribute's presences as much as all its absences; 0.5 (square root) is the usual compromise.
    /// </summary>
    public double AttributeBalance { get; init; }

    /// <summary>
    /// Whether the attribute critic sees each generated face flipped, shifted by up to R/16 pixels and with pixel
    /// noise, drawn anew every step, instead of the face itself. Against a frozen classifier a projector otherwise
    /// learns patterns that move that classifier's logits without drawing the attribute (the classifier reports more
    /// of the stated attributes than it finds on real faces, another classifier far fewer); such patterns rarely
    /// survive a flip, a shift and noise together.
    /// </summary>
    public bool AttributeAugment { get; init; }

    /// <summary>Most labels read to estimate the attribute frequencies of <see cref="AttributeBalance"/>.</summary>
    public const int AttributeFrequencySamples = 8192;

    /// <summary>Seed of the data order, caption choice, projector noise and generator noise.</summary>
    public long Seed { get; init; }

    /// <summary>Checkpoint every N steps (and at the end and on cancellation).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>
    /// Sample grid every N steps (0: never): the ground truth (top row) and the faces generated from their fixed
    /// descriptions (bottom row) for the first pairs of step 0's batch, written to <c>samples/</c> in the run folder.
    /// </summary>
    public int SampleEvery { get; init; }

    /// <summary>Progress / CSV row every N steps.</summary>
    public int LogEvery { get; init; } = 10;
}
