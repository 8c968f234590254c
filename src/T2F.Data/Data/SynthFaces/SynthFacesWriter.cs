using T2F.Core.IO;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace T2F.Core.Data.SynthFaces;

/// <summary>
/// Renders a SynthFaces data set into a folder in CelebA's layout, so the CelebA loaders read it unchanged:
/// <c>img_align_celeba/000001.png ...</c>, <c>list_attr_celeba.txt</c>, <c>list_eval_partition.txt</c>
/// (index mod 10: 0-7 train, 8 validation, 9 test), <c>caps.txt</c> (Text2FaceGAN captions) and
/// <c>synthfaces.json</c> (seed, count, size, renderer version).
/// </summary>
/// <remarks>
/// Faces render in parallel; every file is the same for the same options whatever the thread count. The list
/// files are written last and atomically, so a folder with <c>list_attr_celeba.txt</c> is complete.
/// </remarks>
public static class SynthFacesWriter
{
    /// <summary>Name of the image folder (CelebA's aligned-image folder).</summary>
    public const string ImageFolder = "img_align_celeba";

    /// <summary>Name of the manifest file.</summary>
    public const string ManifestFileName = "synthfaces.json";

    /// <summary>File name of face <paramref name="index"/>: CelebA's 1-based, six-digit numbering (000001.png for index 0).</summary>
    /// <param name="index">0-based face index.</param>
    public static string ImageFileName(long index) => (index + 1).ToString("D6", CultureInfo.InvariantCulture) + ".png";

    /// <summary>The partition of face <paramref name="index"/> (index mod 10: 0-7 train, 8 validation, 9 test).</summary>
    /// <param name="index">0-based face index.</param>
    public static CelebAPartition PartitionOf(long index) => (index % 10) switch { 8 => CelebAPartition.Validation, 9 => CelebAPartition.Test, _ => CelebAPartition.Train };

    /// <summary>The descriptions SynthFaces writes for a face (only renderable attributes are ever described).</summary>
    /// <param name="face">The face.</param>
    /// <param name="count">Number of descriptions.</param>
    /// <param name="seed">Data set seed.</param>
    /// <param name="index">Face index.</param>
    public static IReadOnlyList<string> Describe(SynthFace face, int count, long seed, long index)
    {
        ArgumentNullException.ThrowIfNull(face);
        return Describer.Describe(face.Attributes, count, (long)DeterministicRandom.Derive(seed, index, 3));
    }

    private static FaceDescriber Describer { get; } = new(new DescriptionOptions { Describable = SynthFaceSampler.RenderableAttributes });

    /// <summary>Renders and writes the data set.</summary>
    /// <param name="folder">Output folder (created; existing files of the same names are replaced).</param>
    /// <param name="options">Count, size, seed, captions, threads.</param>
    /// <param name="progress">Receives the number of faces written so far.</param>
    /// <param name="cancellationToken">Stops between faces; the list files are then not written.</param>
    public static SynthFacesResult Write(string folder, SynthFacesOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Count, "Count must be at least 1.");
        }

        if (options.Size is < SynthFaceRenderer.MinSize or > SynthFaceRenderer.MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Size, $"Size must be {SynthFaceRenderer.MinSize} to {SynthFaceRenderer.MaxSize}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.CaptionsPerImage);
        ArgumentOutOfRangeException.ThrowIfNegative(options.FirstIndex);
        var clock = Stopwatch.StartNew();
        string root = Path.GetFullPath(folder);
        string images = Path.Combine(root, ImageFolder);
        Directory.CreateDirectory(images);

        int n = options.Count;
        var rows = new CelebAAttributeRow[n];
        var captions = new IReadOnlyList<string>[n];
        int done = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, n, parallel, i =>
        {
            long index = options.FirstIndex + i;
            var face = SynthFaceSampler.Sample(options.Seed, index);
            string name = ImageFileName(index);
            File.WriteAllBytes(Path.Combine(images, name), SynthFaceRenderer.RenderPng(face, options.Size));
            rows[i] = new CelebAAttributeRow(name, face.Attributes);
            captions[i] = options.CaptionsPerImage > 0 ? Describe(face, options.CaptionsPerImage, options.Seed, index) : [];
            int count = Interlocked.Increment(ref done);
            if (progress is not null && (count % 256 == 0 || count == n))
            {
                progress.Report(count);
            }
        });

        if (options.CaptionsPerImage > 0)
        {
            CaptionFiles.WriteText2FaceGan(Path.Combine(root, CaptionFiles.Text2FaceGanFileName), rows.Select((r, i) => KeyValuePair.Create(r.FileName, captions[i])));
        }

        CelebAPartitionFile.Write(Path.Combine(root, CelebAPartitionFile.FileName), rows.Select((r, i) => new CelebAPartitionEntry(r.FileName, PartitionOf(options.FirstIndex + i))));
        var manifest = new Dictionary<string, object>
        {
            ["generator"] = "T2F.Core SynthFaces",
            ["version"] = SynthFaceSampler.Version,
            ["seed"] = options.Seed,
            ["first_index"] = options.FirstIndex,
            ["count"] = n,
            ["size"] = options.Size,
            ["captions_per_image"] = options.CaptionsPerImage,
            ["rendered_attributes"] = SynthFaceSampler.RenderableAttributes.Select(CelebAAttributes.Name).ToArray(),
        };
        AtomicFile.WriteText(Path.Combine(root, ManifestFileName), w => w.Write(JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true })));
        CelebAAttributeFile.Write(Path.Combine(root, CelebAAttributeFile.FileName), rows);
        return new SynthFacesResult(root, n, clock.Elapsed);
    }
}
