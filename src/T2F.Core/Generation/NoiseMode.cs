namespace T2F.Core.Generation;

/// <summary>Where the per-layer noise comes from (rosinality <c>model.py</c> <c>Generator.forward</c>: <c>noise</c>, <c>randomize_noise</c>).</summary>
public enum NoiseMode
{
    /// <summary>Fresh N(0,1) noise for every call, drawn from a seeded generator (reproducible for a seed).</summary>
    Random,

    /// <summary>The stored buffers <c>noises.noise_i</c> (the reference's randomize_noise=False).</summary>
    Constant,

    /// <summary>Caller-supplied tensors, one per layer.</summary>
    Explicit,
}
