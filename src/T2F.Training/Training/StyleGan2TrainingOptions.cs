namespace T2F.Core.Training;

/// <summary>StyleGAN2 training settings (defaults: rosinality train.py).</summary>
public sealed record StyleGan2TrainingOptions
{
    /// <summary>Images per step.</summary>
    public int Batch { get; init; } = 16;

    /// <summary>Micro-batches per step: gradients of Batch / GradientAccumulation images are accumulated (1: off).</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Steps to train in total (a resumed run continues up to this).</summary>
    public long Steps { get; init; } = 800_000;

    /// <summary>Base learning rate (0.002).</summary>
    public double LearningRate { get; init; } = 0.002;

    /// <summary>R1 weight gamma (10).</summary>
    public double R1Gamma { get; init; } = 10;

    /// <summary>Path length regularisation weight (2).</summary>
    public double PathRegularize { get; init; } = 2;

    /// <summary>Path length batch shrink (2).</summary>
    public int PathBatchShrink { get; init; } = 2;

    /// <summary>Lazy R1 interval (16).</summary>
    public int DRegEvery { get; init; } = 16;

    /// <summary>Lazy path-length interval (4).</summary>
    public int GRegEvery { get; init; } = 4;

    /// <summary>Style-mixing probability (0.9).</summary>
    public double Mixing { get; init; } = 0.9;

    /// <summary>G EMA half-life in images (10,000: rosinality's 0.5^(32/10000) per 32 images).</summary>
    public double EmaHalfLifeImages { get; init; } = 10_000;

    /// <summary>Random horizontal flips of real images.</summary>
    public bool XFlip { get; init; } = true;

    /// <summary>Device to train on: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c> (needs a CUDA build of libtorch).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Seed of everything random in the run.</summary>
    public long Seed { get; init; }

    /// <summary>Checkpoint every N steps (and at the end and on cancellation).</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>Sample grid every N steps (0: never).</summary>
    public int SampleEvery { get; init; } = 1000;

    /// <summary>Progress report / CSV row every N steps.</summary>
    public int LogEvery { get; init; } = 10;
}
