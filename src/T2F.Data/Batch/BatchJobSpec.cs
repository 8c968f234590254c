using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.Pipeline;

namespace T2F.Core.Batch;

/// <summary>
/// A batch generation job: the descriptions, how many faces of each, the job seed and the generation settings. Face k
/// of item <c>id</c> is a pure function of (model, <see cref="Seed"/>, id, k, settings): any shard can be generated
/// again, anywhere, bit-identical.
/// </summary>
public sealed partial record BatchJobSpec
{
    /// <summary>Most faces a job may hold (10 million).</summary>
    public const long MaxFaces = 10_000_000;

    /// <summary>Most faces of one item.</summary>
    public const int MaxFacesPerItem = 100_000;

    /// <summary>The items, in order (ids unique).</summary>
    public required IReadOnlyList<BatchItem> Items { get; init; }

    /// <summary>The job seed.</summary>
    public long Seed { get; init; }

    /// <summary>Faces per shard, the unit of commit and of work (default 256).</summary>
    public int ShardSize { get; init; } = 256;

    /// <summary>Truncation psi in (0, 1] (default 0.7).</summary>
    public float Truncation { get; init; } = 0.7f;

    /// <summary>Variation in [0, 2] (default: <see cref="GenerationOptions.Variation"/>'s).</summary>
    public float Variation { get; init; } = new GenerationOptions().Variation;

    /// <summary>Faces in the whole job.</summary>
    public long TotalFaces => Items.Sum(i => (long)i.Count);

    /// <summary>Shards in the whole job.</summary>
    public int ShardCount => (int)((TotalFaces + ShardSize - 1) / ShardSize);

    /// <summary>Throws a one-line message for an invalid spec.</summary>
    public void Validate()
    {
        if (Items is null || Items.Count == 0)
        {
            throw new ArgumentException("The job has no items; give at least one description.");
        }

        if (ShardSize is < 1 or > 65_536)
        {
            throw new ArgumentOutOfRangeException(nameof(ShardSize), ShardSize, "ShardSize must be 1 to 65,536 faces.");
        }

        if (!(Truncation > 0 && Truncation <= 1) || !(Variation >= 0 && Variation <= 2))
        {
            throw new ArgumentOutOfRangeException(nameof(Truncation), $"Truncation must be in (0, 1] and Variation in [0, 2]; got {Truncation} and {Variation}.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Items)
        {
            if (item.Id is null || !IdPattern().IsMatch(item.Id))
            {
                throw new ArgumentException($"Item id '{item.Id}' is not 1-64 characters of A-Z, a-z, 0-9, '-' and '_' (ids name the image files).");
            }

            if (!ids.Add(item.Id))
            {
                throw new ArgumentException($"Item id '{item.Id}' appears twice; ids must be unique.");
            }

            if (string.IsNullOrWhiteSpace(item.Text) || item.Text.Length > TextToFacePipeline.MaxDescriptionLength)
            {
                throw new ArgumentException($"Item '{item.Id}' has an empty description or one longer than {TextToFacePipeline.MaxDescriptionLength} characters.");
            }

            if (item.Count is < 1 or > MaxFacesPerItem)
            {
                throw new ArgumentOutOfRangeException(nameof(Items), item.Count, $"Item '{item.Id}' asks for {item.Count} faces; 1 to {MaxFacesPerItem} per item.");
            }
        }

        if (TotalFaces > MaxFaces)
        {
            throw new ArgumentOutOfRangeException(nameof(Items), TotalFaces, $"The job asks for {TotalFaces} faces; at most {MaxFaces} per job (split it into several jobs).");
        }
    }

    /// <summary>
    /// A SHA-256 over everything that decides the output (items, seed, shard size, settings): a dataset folder
    /// belongs to one fingerprint, so a rerun with a different spec cannot mix two jobs.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"t2f-batch/1|{Seed}|{ShardSize}|{Truncation:R}|{Variation:R}\n");
        foreach (var item in Items)
        {
            text.Append(CultureInfo.InvariantCulture, $"{item.Id}\t{item.Count}\t{item.Attributes?.ToString() ?? "-"}\t{item.Text}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Reads a JSON Lines file: one object per line, <c>{"id": "a1", "text": "...", "count": 4}</c>, optionally
    /// <c>"attributes": "Male Smiling"</c> (CelebA names). Blank lines are skipped.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="seed">The job seed.</param>
    /// <exception cref="FormatException">A line is not such an object; the message names the line.</exception>
    public static BatchJobSpec ReadJsonl(string path, long seed = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var items = new List<BatchItem>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                string id = root.GetProperty("id").GetString() ?? throw new FormatException("'id' is null");
                string text = root.GetProperty("text").GetString() ?? throw new FormatException("'text' is null");
                int count = root.TryGetProperty("count", out var c) ? c.GetInt32() : 1;
                AttributeSet? attributes = root.TryGetProperty("attributes", out var a) ? AttributeSet.Parse(a.GetString() ?? string.Empty) : null;
                items.Add(new BatchItem(id, text, count, attributes));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new FormatException($"{path}:{number}: expected {{\"id\": \"...\", \"text\": \"...\", \"count\": N}} ({e.Message})", e);
            }

            if (items.Count > MaxFaces)
            {
                throw new FormatException($"{path}: more than {MaxFaces} items.");
            }
        }

        var spec = new BatchJobSpec { Items = items, Seed = seed };
        spec.Validate();
        return spec;
    }

    /// <summary>
    /// A labelled job: <paramref name="count"/> SynthFaces attribute sets sampled with <paramref name="seed"/>, each
    /// described once in the Text2Face style; the attributes become the dataset's labels.
    /// </summary>
    /// <param name="count">Descriptions (one face each unless <paramref name="facesPerDescription"/> says more).</param>
    /// <param name="seed">Sampling and job seed.</param>
    /// <param name="facesPerDescription">Faces per description.</param>
    public static BatchJobSpec SampleSynthFaces(int count, long seed, int facesPerDescription = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)count * facesPerDescription, MaxFaces);
        var items = new BatchItem[count];
        for (int i = 0; i < count; i++)
        {
            var face = SynthFaceSampler.Sample(seed, i);
            string text = SynthFacesWriter.Describe(face, 1, seed, i)[0];
            items[i] = new BatchItem($"s{i:D7}", text, facesPerDescription, face.Attributes);
        }

        var spec = new BatchJobSpec { Items = items, Seed = seed };
        spec.Validate();
        return spec;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
