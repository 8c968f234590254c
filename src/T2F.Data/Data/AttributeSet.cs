using System.Collections;
using System.Numerics;

namespace T2F.Core.Data;

/// <summary>
/// A set of CelebA attributes: one bit per <see cref="CelebAAttribute"/> (bit i is column i of
/// <c>list_attr_celeba.txt</c>; 1 in the file means present, -1 absent). An immutable 8-byte value.
/// </summary>
public readonly struct AttributeSet : IEquatable<AttributeSet>, IReadOnlyCollection<CelebAAttribute>
{
    private const ulong Mask = (1UL << CelebAAttributes.Count) - 1;

    private AttributeSet(ulong bits) => Bits = bits & Mask;

    /// <summary>No attribute.</summary>
    public static AttributeSet Empty => default;

    /// <summary>All 40 attributes.</summary>
    public static AttributeSet All => new(Mask);

    /// <summary>The raw bits: bit i is attribute i.</summary>
    public ulong Bits { get; }

    /// <summary>Number of attributes present.</summary>
    public int Count => BitOperations.PopCount(Bits);

    /// <summary>True when no attribute is present.</summary>
    public bool IsEmpty => Bits == 0;

    /// <summary>Whether <paramref name="attribute"/> is present.</summary>
    /// <param name="attribute">The attribute.</param>
    public bool this[CelebAAttribute attribute] => Contains(attribute);

    /// <summary>A set from raw bits (bits above 39 must be zero).</summary>
    /// <param name="bits">Bit i is attribute i.</param>
    public static AttributeSet FromBits(ulong bits)
    {
        if ((bits & ~Mask) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"Only bits 0..{CelebAAttributes.Count - 1} name CelebA attributes; got 0x{bits:X}.");
        }

        return new AttributeSet(bits);
    }

    /// <summary>A set of the given attributes.</summary>
    /// <param name="attributes">Attributes (duplicates are fine).</param>
    public static AttributeSet Of(params ReadOnlySpan<CelebAAttribute> attributes)
    {
        ulong bits = 0;
        foreach (var a in attributes)
        {
            bits |= Bit(a);
        }

        return new AttributeSet(bits);
    }

    /// <summary>A set of the given attributes.</summary>
    /// <param name="attributes">Attributes (duplicates are fine).</param>
    public static AttributeSet Of(IEnumerable<CelebAAttribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ulong bits = 0;
        foreach (var a in attributes)
        {
            bits |= Bit(a);
        }

        return new AttributeSet(bits);
    }

    /// <summary>Parses official names separated by spaces, commas or '|' (for example <c>"Male Smiling Eyeglasses"</c>).</summary>
    /// <param name="names">Names in CelebA's spelling; an empty string gives the empty set.</param>
    public static AttributeSet Parse(string names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ulong bits = 0;
        foreach (var name in names.Split([' ', ',', '|', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            bits |= Bit(CelebAAttributes.Parse(name));
        }

        return new AttributeSet(bits);
    }

    /// <summary>Builds a set from 40 CelebA values (1 present, -1 or 0 absent), in column order.</summary>
    /// <param name="values">40 values.</param>
    public static AttributeSet FromSigns(ReadOnlySpan<int> values)
    {
        if (values.Length != CelebAAttributes.Count)
        {
            throw new ArgumentException($"Expected {CelebAAttributes.Count} values, got {values.Length}.", nameof(values));
        }

        ulong bits = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] > 0)
            {
                bits |= 1UL << i;
            }
        }

        return new AttributeSet(bits);
    }

    /// <summary>Whether <paramref name="attribute"/> is present.</summary>
    /// <param name="attribute">The attribute.</param>
    public bool Contains(CelebAAttribute attribute) => (Bits & Bit(attribute)) != 0;

    /// <summary>This set with <paramref name="attribute"/> added.</summary>
    /// <param name="attribute">The attribute.</param>
    public AttributeSet With(CelebAAttribute attribute) => new(Bits | Bit(attribute));

    /// <summary>This set with <paramref name="attribute"/> present or absent.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <param name="present">Whether it should be present.</param>
    public AttributeSet With(CelebAAttribute attribute, bool present) => present ? With(attribute) : Without(attribute);

    /// <summary>This set with <paramref name="attribute"/> removed.</summary>
    /// <param name="attribute">The attribute.</param>
    public AttributeSet Without(CelebAAttribute attribute) => new(Bits & ~Bit(attribute));

    /// <summary>Attributes in either set.</summary>
    /// <param name="other">The other set.</param>
    public AttributeSet Union(AttributeSet other) => new(Bits | other.Bits);

    /// <summary>Attributes in both sets.</summary>
    /// <param name="other">The other set.</param>
    public AttributeSet Intersect(AttributeSet other) => new(Bits & other.Bits);

    /// <summary>Attributes of this set that are not in <paramref name="other"/>.</summary>
    /// <param name="other">The other set.</param>
    public AttributeSet Except(AttributeSet other) => new(Bits & ~other.Bits);

    /// <summary>The 40 values of a <c>list_attr_celeba.txt</c> row: 1 present, -1 absent.</summary>
    public int[] ToSigns()
    {
        var values = new int[CelebAAttributes.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (Bits & (1UL << i)) != 0 ? 1 : -1;
        }

        return values;
    }

    /// <summary>Writes 40 floats, 1 for present and 0 for absent (a row of a [B, 40] label tensor).</summary>
    /// <param name="destination">At least 40 elements.</param>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length < CelebAAttributes.Count)
        {
            throw new ArgumentException($"Need {CelebAAttributes.Count} elements, got {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < CelebAAttributes.Count; i++)
        {
            destination[i] = (Bits & (1UL << i)) != 0 ? 1f : 0f;
        }
    }

    /// <summary>The present attributes in column order.</summary>
    public IEnumerator<CelebAAttribute> GetEnumerator()
    {
        ulong bits = Bits;
        while (bits != 0)
        {
            int i = BitOperations.TrailingZeroCount(bits);
            yield return (CelebAAttribute)i;
            bits &= bits - 1;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(AttributeSet other) => Bits == other.Bits;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AttributeSet other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Bits.GetHashCode();

    /// <summary>The official names of the present attributes, space-separated, in column order (empty for none).</summary>
    public override string ToString() => string.Join(' ', this.Select(CelebAAttributes.Name));

    /// <summary>True when both sets hold the same attributes.</summary>
    /// <param name="left">A set.</param>
    /// <param name="right">A set.</param>
    public static bool operator ==(AttributeSet left, AttributeSet right) => left.Equals(right);

    /// <summary>True when the sets differ in at least one attribute.</summary>
    /// <param name="left">A set.</param>
    /// <param name="right">A set.</param>
    public static bool operator !=(AttributeSet left, AttributeSet right) => !left.Equals(right);

    private static ulong Bit(CelebAAttribute attribute)
    {
        int i = (int)attribute;
        if ((uint)i >= CelebAAttributes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(attribute), attribute, $"CelebA attributes are numbered 0..{CelebAAttributes.Count - 1}.");
        }

        return 1UL << i;
    }
}
