using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace T2F.Core.Projection;

/// <summary>
/// The paper's text-to-latent projector: an MLP from the text embedding (+ noise) to z, w or w+. For W and W+ the
/// output is an offset from the generator's mean w (the buffer <c>w_avg</c>), so training starts from the average face.
/// </summary>
public sealed class MlpLatentProjector : Module<Tensor, Tensor?, Tensor>, ILatentProjector
{
    private readonly Sequential mlp;
    private readonly Linear head;
    private readonly Tensor w_avg;

    /// <summary>Builds the projector; <paramref name="meanW"/> ([style] or [1, style]) anchors W / W+ outputs.</summary>
    /// <param name="config">Architecture.</param>
    /// <param name="meanW">The generator's mean w; null uses zeros.</param>
    public MlpLatentProjector(LatentProjectorConfig config, Tensor? meanW = null)
        : base(nameof(MlpLatentProjector))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int inSize = config.EmbeddingSize + config.NoiseSize;
        for (int i = 0; i < config.Depth; i++)
        {
            layers.Add(($"linear{i}", Linear(inSize, config.HiddenSize)));
            if (config.LayerNorm)
            {
                layers.Add(($"norm{i}", LayerNorm(config.HiddenSize)));
            }

            layers.Add(($"act{i}", LeakyReLU(0.2)));
            if (config.Dropout > 0)
            {
                layers.Add(($"dropout{i}", Dropout(config.Dropout)));
            }

            inSize = config.HiddenSize;
        }

        mlp = Sequential(layers);
        int outputs = config.Space == LatentSpace.WPlus ? config.StyleSize * config.LatentCount : config.StyleSize;
        head = Linear(inSize, outputs);
        using (torch.no_grad())
        {
            // Start at the average face: a zero offset from w_avg.
            head.weight!.mul_(0.01);
            head.bias!.zero_();
        }

        w_avg = meanW is null ? torch.zeros(config.StyleSize) : meanW.detach().reshape(-1).to(ScalarType.Float32).clone();
        if (w_avg.shape[0] != config.StyleSize)
        {
            throw new ArgumentException($"meanW has {w_avg.shape[0]} values; the projector's style size is {config.StyleSize}.", nameof(meanW));
        }

        register_module("mlp", mlp);
        register_module("head", head);
        register_buffer("w_avg", w_avg);
        foreach (var p in parameters())
        {
            p.DetachFromDisposeScope();
        }

        w_avg.DetachFromDisposeScope();
    }

    /// <summary>The architecture.</summary>
    public LatentProjectorConfig Config { get; }

    /// <inheritdoc />
    public LatentSpace Space => Config.Space;

    /// <inheritdoc />
    public int EmbeddingSize => Config.EmbeddingSize;

    /// <inheritdoc />
    public int NoiseSize => Config.NoiseSize;

    /// <inheritdoc />
    public int StyleSize => Config.StyleSize;

    /// <inheritdoc />
    public int LatentCount => Config.Space == LatentSpace.WPlus ? Config.LatentCount : 1;

    /// <inheritdoc />
    public Tensor Project(Tensor textEmbedding, Tensor? noise = null) => forward(textEmbedding, noise);

    /// <inheritdoc />
    public override Tensor forward(Tensor textEmbedding, Tensor? noise)
    {
        ArgumentNullException.ThrowIfNull(textEmbedding);
        if (textEmbedding.dim() != 2 || textEmbedding.shape[1] != Config.EmbeddingSize)
        {
            throw new ArgumentException($"Text embeddings must be [B, {Config.EmbeddingSize}]; got [{string.Join(", ", textEmbedding.shape)}]. Use a text encoder whose embedding size matches the projector.", nameof(textEmbedding));
        }

        long b = textEmbedding.shape[0];
        var input = textEmbedding;
        if (Config.NoiseSize > 0)
        {
            var n = noise ?? torch.zeros(b, Config.NoiseSize, device: textEmbedding.device);
            if (n.dim() != 2 || n.shape[0] != b || n.shape[1] != Config.NoiseSize)
            {
                throw new ArgumentException($"Noise must be [{b}, {Config.NoiseSize}]; got [{string.Join(", ", n.shape)}].", nameof(noise));
            }

            input = torch.cat(new[] { textEmbedding, n }, 1);
        }
        else if (noise is not null)
        {
            throw new ArgumentException("This projector was built without a noise input (NoiseSize 0); pass null.", nameof(noise));
        }

        var offset = head.forward(mlp.forward(input));
        return Config.Space switch
        {
            LatentSpace.Z => offset,
            LatentSpace.W => w_avg + offset,
            _ => w_avg + offset.view(b, Config.LatentCount, Config.StyleSize),
        };
    }
}
