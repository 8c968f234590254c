using System.Globalization;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.Generation;
using T2F.Core.Pipeline;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.Evaluation;

/// <summary>
/// What <see cref="FaceEvaluator"/> evaluates: where face i of the evaluation comes from. A text-to-face model
/// generates it from image i's description; an unconditional generator draws it from the seed, ignoring the description
/// (a baseline for the paired numbers); the SynthFaces oracle renders image i's attributes again with new nuisance
/// variables (a reference point, not a learned model). A source does not own the model it wraps: dispose that yourself.
/// </summary>
public sealed class FaceSource
{
    // Seed offset of the diversity variants, far from the paired faces' seeds so no variant repeats a paired face.
    private const long VariantOffset = 1_000_000L;

    private readonly TextToFacePipeline? pipeline;
    private readonly StyleGan2Model? model;

    private FaceSource(string name, TextToFacePipeline? pipeline, StyleGan2Model? model)
    {
        Name = name;
        this.pipeline = pipeline;
        this.model = model;
    }

    /// <summary>The name given when the source was made (e.g. a bundle's folder name); the oracle's is "SynthFaces oracle".</summary>
    public string Name { get; }

    /// <summary>The size of the faces this source makes; null for the oracle, which renders at the dataset's resolution.</summary>
    public int? Resolution => pipeline?.Resolution ?? model?.Resolution;

    /// <summary>A text-to-face model: face i is generated from the first description of image i (or one written from its attributes).</summary>
    /// <param name="pipeline">The model; not disposed by the source.</param>
    /// <param name="name">How reports name it (e.g. "bundle runs/model" or "default model").</param>
    public static FaceSource TextToFace(TextToFacePipeline pipeline, string name)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new FaceSource(name, pipeline, null);
    }

    /// <summary>An unconditional StyleGAN2 generator: face i is drawn from seed + i, not from its description (a baseline).</summary>
    /// <param name="model">The generator; not disposed by the source.</param>
    /// <param name="name">How reports name it (e.g. the checkpoint's file name).</param>
    public static FaceSource Unconditional(StyleGan2Model model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new FaceSource(name, null, model);
    }

    /// <summary>
    /// The SynthFaces oracle: each image's attributes rendered again with new nuisance variables (pose, colours, shapes
    /// the attributes leave open). On a SynthFaces dataset this bounds what a model can reach from the descriptions.
    /// </summary>
    public static FaceSource SynthFacesOracle() => new("SynthFaces oracle", null, null);

    /// <summary>One line for a report: what the source is and how face i is made under <paramref name="options"/>.</summary>
    /// <param name="options">The evaluation's options (seed and variation appear in the line); null for the defaults.</param>
    public string Describe(FaceEvaluationOptions? options = null)
    {
        options ??= new FaceEvaluationOptions();
        if (pipeline is not null)
        {
            return $"text-to-face {Name} (text encoder {pipeline.EncoderName}; face i generated from the first description of image i; variation {options.EffectiveVariation.ToString(CultureInfo.InvariantCulture)})";
        }

        return model is null
            ? $"SynthFaces oracle (renderer v{SynthFaceSampler.Version}: the described attributes rendered with new nuisance variables; not a learned model)"
            : $"StyleGAN2 {Name} (unconditional: face i from seed {options.Seed}+i, not from its description)";
    }

    // Faces for dataset images `indices` as [N, 3, R, R] in [-1, 1], R the dataset's resolution. Stream 0 makes the
    // paired faces, stream 1 the diversity variants; a variant call passes one description repeated, and each of its
    // faces must differ, so the per-face index j enters the seed.
    internal Tensor Generate(FaceImageDataset dataset, int[] indices, FaceEvaluationOptions options, int stream, bool variant)
    {
        long seed = options.Seed;
        if (pipeline is not null)
        {
            // One call per batch. The diversity variants are the faces of ONE description (FacesPerDescription = k): the
            // k-th face of every description shares its noise, so k copies of a description would be k equal faces.
            var descriptions = indices.Select(i => dataset[i].Captions.Count > 0 ? dataset[i].Captions[0] : FaceDescriber.Default.Describe(dataset[i].Attributes, seed)).ToArray();
            var generation = new GenerationOptions { Seed = seed + (variant ? VariantOffset + indices[0] : indices[0]) + (stream * 7919L), Variation = options.EffectiveVariation };
            var faces = variant
                ? pipeline.Generate(descriptions[0], generation with { FacesPerDescription = indices.Length })
                : pipeline.Generate(descriptions, generation);
            try
            {
                return torch.stack(faces.Select(f => f.Image).ToArray()).clamp(-1, 1);
            }
            finally
            {
                foreach (var f in faces)
                {
                    f.Dispose();
                }
            }
        }

        if (model is not null)
        {
            var parts = indices.Select((index, j) => model.Generate(1, seed + (variant ? VariantOffset + (index * 1000L) + j : index), 1f)).ToArray();
            return torch.cat(parts, 0).clamp(-1, 1);
        }

        int size = dataset.Resolution;
        var images = new Tensor[indices.Length];
        for (int j = 0; j < indices.Length; j++)
        {
            // The nuisance seed mixes seed, stream and (for variants) face so that no two faces share their nuisance.
            long nuisance = (seed * 7919) + (stream * 1_000_003L) + (variant ? (indices[j] * 1000L) + j : 0) + 17;
            var face = SynthFaceSampler.Sample(dataset[indices[j]].Attributes, nuisance, indices[j]);
            var rgb = SynthFaceRenderer.RenderRgb24(face, size);
            images[j] = torch.tensor(rgb, [size, size, 3]).permute(2, 0, 1).to(ScalarType.Float32).div(127.5).sub(1);
        }

        return torch.stack(images);
    }
}
