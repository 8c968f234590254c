namespace T2F.Core.Projection;

/// <summary>Architecture of <see cref="MlpLatentProjector"/>.</summary>
/// <param name="EmbeddingSize">Text embedding size (384 MiniLM, 768 BERT-base).</param>
/// <param name="StyleSize">Generator style size.</param>
/// <param name="LatentCount">Generator n_latent (used for w+).</param>
/// <param name="Space">Output space.</param>
/// <param name="HiddenSize">Width of the hidden layers.</param>
/// <param name="Depth">Number of hidden layers (>= 1).</param>
/// <param name="NoiseSize">Size of the noise input (0: deterministic projector).</param>
/// <param name="LayerNorm">LayerNorm after each hidden linear.</param>
/// <param name="Dropout">Dropout probability in training.</param>
public sealed record LatentProjectorConfig(int EmbeddingSize, int StyleSize, int LatentCount, LatentSpace Space = LatentSpace.WPlus, int HiddenSize = 512, int Depth = 2, int NoiseSize = 0, bool LayerNorm = true, double Dropout = 0.0)
{
    /// <summary>The configuration as JSON (stored in checkpoints and bundles).</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this);

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="ArgumentException">The text is not a projector configuration.</exception>
    public static LatentProjectorConfig FromJson(string json)
    {
        try
        {
            var config = System.Text.Json.JsonSerializer.Deserialize<LatentProjectorConfig>(json) ?? throw new ArgumentException("The projector configuration JSON is empty.");
            config.Validate();
            return config;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"Not a projector configuration: {e.Message}", nameof(json), e);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (EmbeddingSize < 1 || StyleSize < 1 || LatentCount < 1 || HiddenSize < 1 || Depth < 1 || NoiseSize < 0 || Dropout is < 0 or >= 1)
        {
            throw new ArgumentException($"Invalid projector configuration {this}: sizes must be positive, depth >= 1, noise >= 0, dropout in [0, 1).");
        }
    }
}
