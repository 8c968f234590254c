namespace T2F.Core.Projection;

/// <summary>Which StyleGAN2 latent space a projector writes to.</summary>
public enum LatentSpace
{
    /// <summary>z [B, style]: goes through the mapping network.</summary>
    Z,

    /// <summary>w [B, style]: one style for every layer.</summary>
    W,

    /// <summary>w+ [B, n_latent, style]: one style per layer.</summary>
    WPlus,
}
