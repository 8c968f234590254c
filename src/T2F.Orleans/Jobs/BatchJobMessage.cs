using T2F.Core.Batch;
using T2F.Core.Data;

namespace T2F.Orleans.Jobs;

/// <summary>
/// A <see cref="BatchJobSpec"/> as Orleans carries it (columns of plain arrays, attributes as their bits), from the
/// client to the job grain and from the job grain to each worker once. <see cref="ToSpec"/> gives back a spec with the
/// same fingerprint.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("T2F.Orleans.BatchJobMessage")]
internal sealed record BatchJobMessage
{
    /// <summary>Item ids, in order.</summary>
    [Id(0)]
    public required string[] Ids { get; init; }

    /// <summary>Item descriptions.</summary>
    [Id(1)]
    public required string[] Texts { get; init; }

    /// <summary>Faces per item.</summary>
    [Id(2)]
    public required int[] Counts { get; init; }

    /// <summary>The attribute bits of each item; meaningful where <see cref="HasAttributes"/> says so.</summary>
    [Id(3)]
    public required ulong[] AttributeBits { get; init; }

    /// <summary>Whether each item states its attributes.</summary>
    [Id(4)]
    public required bool[] HasAttributes { get; init; }

    /// <summary>The job seed.</summary>
    [Id(5)]
    public long Seed { get; init; }

    /// <summary>Faces per shard.</summary>
    [Id(6)]
    public int ShardSize { get; init; }

    /// <summary>Truncation psi.</summary>
    [Id(7)]
    public float Truncation { get; init; }

    /// <summary>How much of what a description leaves open varies between faces (<c>GenerationOptions.Variation</c>).</summary>
    [Id(8)]
    public float Variation { get; init; }

    /// <summary>The message of <paramref name="spec"/>.</summary>
    public static BatchJobMessage From(BatchJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var items = spec.Items;
        return new BatchJobMessage
        {
            Ids = [.. items.Select(i => i.Id)],
            Texts = [.. items.Select(i => i.Text)],
            Counts = [.. items.Select(i => i.Count)],
            AttributeBits = [.. items.Select(i => i.Attributes?.Bits ?? 0)],
            HasAttributes = [.. items.Select(i => i.Attributes is not null)],
            Seed = spec.Seed,
            ShardSize = spec.ShardSize,
            Truncation = spec.Truncation,
            Variation = spec.Variation,
        };
    }

    /// <summary>The spec this message carries (validated).</summary>
    /// <exception cref="ArgumentException">The columns differ in length, or the spec is invalid.</exception>
    public BatchJobSpec ToSpec()
    {
        int n = Ids.Length;
        if (Texts.Length != n || Counts.Length != n || AttributeBits.Length != n || HasAttributes.Length != n)
        {
            throw new ArgumentException("The job message's columns differ in length.");
        }

        var items = new BatchItem[n];
        for (int i = 0; i < n; i++)
        {
            items[i] = new BatchItem(Ids[i], Texts[i], Counts[i], HasAttributes[i] ? AttributeSet.FromBits(AttributeBits[i]) : null);
        }

        var spec = new BatchJobSpec { Items = items, Seed = Seed, ShardSize = ShardSize, Truncation = Truncation, Variation = Variation };
        spec.Validate();
        return spec;
    }
}
