using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Data;

/// <summary>
/// A CelebA-layout folder (CelebA, CelebA-HQ, Multi-Modal-CelebA-HQ, SynthFaces) as (image, attributes, captions)
/// samples. Images are decoded with SkiaSharp, centre-cropped, resized to <see cref="FaceDatasetOptions.Resolution"/>
/// and returned as [3, R, R] float32 in [-1, 1], the range of the generator's output.
/// </summary>
/// <remarks>
/// The image list is the attribute list (<c>list_attr_celeba.txt</c>). Captions come from <c>caps.txt</c> (Text2FaceGAN)
/// or a folder of per-image <c>.txt</c> files (Multi-Modal-CelebA-HQ), matched by file name without extension.
/// Images named in the list but missing on disk fail <see cref="Open"/> (or are skipped, by option); an image that
/// cannot be decoded fails when it is loaded with a <see cref="FaceImageException"/> naming it, before any tensor exists.
/// Thread-safe for loading.
/// </remarks>
public sealed class FaceImageDataset
{
    private readonly FaceRecord[] records;
    private readonly ConcurrentQueue<string> skipped = new();

    private FaceImageDataset(CelebAFolderLayout layout, FaceDatasetOptions options, FaceRecord[] records, IEnumerable<string> missing)
    {
        Layout = layout;
        Options = options;
        this.records = records;
        foreach (var m in missing)
        {
            skipped.Enqueue(m);
        }
    }

    /// <summary>Where the parts of the folder are.</summary>
    public CelebAFolderLayout Layout { get; }

    /// <summary>The options.</summary>
    public FaceDatasetOptions Options { get; }

    /// <summary>Output side R.</summary>
    public int Resolution => Options.Resolution;

    /// <summary>Number of faces (after filtering and skipping missing files).</summary>
    public int Count => records.Length;

    /// <summary>All faces, in the order of the attribute list.</summary>
    public IReadOnlyList<FaceRecord> Records => records;

    /// <summary>Images left out under <see cref="BadImagePolicy.Skip"/>: missing at open, then undecodable ones as they are met.</summary>
    public IReadOnlyList<string> SkippedFiles => skipped.ToArray();

    /// <summary>Number of images left out (see <see cref="SkippedFiles"/>).</summary>
    public int SkippedCount => skipped.Count;

    /// <summary>One face.</summary>
    /// <param name="index">0-based index.</param>
    public FaceRecord this[int index] => records[index];

    /// <summary>Opens a data set folder.</summary>
    /// <param name="folder">The folder (see <see cref="CelebAFolderLayout.Detect"/> for the layouts it knows).</param>
    /// <param name="options">Resolution, split, bad-image policy; null uses the defaults.</param>
    public static FaceImageDataset Open(string folder, FaceDatasetOptions? options = null)
    {
        options ??= new FaceDatasetOptions();
        if (options.Resolution is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Resolution, "Resolution must be 1 to 4096.");
        }

        var layout = CelebAFolderLayout.Detect(folder);
        var rows = CelebAAttributeFile.Read(layout.AttributeFile);
        Dictionary<string, CelebAPartition>? partitions = null;
        if (layout.PartitionFile is not null)
        {
            partitions = CelebAPartitionFile.Read(layout.PartitionFile).ToDictionary(e => e.FileName, e => e.Partition, StringComparer.Ordinal);
        }
        else if (options.Partition is not null)
        {
            throw new FileNotFoundException($"Partition {options.Partition} was asked for, but {layout.Root} has no list_eval_partition.txt (nor Eval/list_eval_partition.txt). Add it, or leave Partition null.");
        }

        var captions = layout.CaptionFile is not null ? CaptionFiles.ReadText2FaceGan(layout.CaptionFile)
            : layout.CaptionFolder is not null ? CaptionFiles.ReadTextFolder(layout.CaptionFolder)
            : null;

        var kept = new List<FaceRecord>(rows.Count);
        var missing = new List<string>();
        foreach (var row in rows)
        {
            CelebAPartition? split = partitions is not null && partitions.TryGetValue(row.FileName, out var p) ? p : null;
            if ((options.Partition is not null && split != options.Partition) || (options.Where is { } where && !where(row)))
            {
                continue;
            }

            if (options.Limit is int limit && kept.Count >= limit)
            {
                break;
            }

            string path = Path.Combine(layout.ImageFolder, row.FileName);
            if (!File.Exists(path))
            {
                if (options.BadImages == BadImagePolicy.Fail)
                {
                    throw new FaceImageException(path, $"is listed in {layout.AttributeFile} but does not exist.", null);
                }

                missing.Add(path);
                continue;
            }

            IReadOnlyList<string> text = captions is not null && captions.TryGetValue(Path.GetFileNameWithoutExtension(row.FileName), out var c) ? c : [];
            kept.Add(new FaceRecord(row.FileName, path, row.Attributes, text, split));
        }

        return new FaceImageDataset(layout, options, kept.ToArray(), missing);
    }

    /// <summary>
    /// Decodes face <paramref name="index"/> into <paramref name="destination"/> as [3, R, R] floats in [-1, 1]
    /// (no TorchSharp involved, so it can run on any thread).
    /// </summary>
    /// <param name="index">0-based index.</param>
    /// <param name="flip">Mirror horizontally.</param>
    /// <param name="destination">At least 3 * R * R floats.</param>
    /// <exception cref="FaceImageException">The image is missing or cannot be decoded.</exception>
    public void LoadPixels(int index, bool flip, Span<float> destination)
        => FaceImageDecoder.Decode(records[index].ImagePath, Resolution, flip, destination);

    /// <summary>Face <paramref name="index"/> as a [3, R, R] float32 tensor in [-1, 1] (owned by the caller or its dispose scope).</summary>
    /// <param name="index">0-based index.</param>
    /// <param name="flip">Mirror horizontally.</param>
    /// <exception cref="FaceImageException">The image is missing or cannot be decoded.</exception>
    public Tensor LoadImage(int index, bool flip = false)
    {
        var pixels = new float[3 * Resolution * Resolution];
        LoadPixels(index, flip, pixels);
        return torch.tensor(pixels, [3, Resolution, Resolution]);
    }

    internal void RecordSkip(string path) => skipped.Enqueue(path);
}
