using System.Collections;

namespace T2F.Core.Checkpoints;

/// <summary>
/// A Python tuple read from a pickle: an immutable, ordered list of items.
/// </summary>
public sealed class PickleTuple : IReadOnlyList<object?>
{
    private readonly object?[] _items;

    /// <summary>Creates a tuple holding <paramref name="items"/> (copied).</summary>
    /// <param name="items">The items in order.</param>
    public PickleTuple(params object?[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = (object?[])items.Clone();
    }

    /// <summary>The empty tuple.</summary>
    public static PickleTuple Empty { get; } = new();

    /// <summary>The number of items.</summary>
    public int Count => _items.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    /// <param name="index">The zero-based position.</param>
    /// <returns>The item.</returns>
    public object? this[int index] => _items[index];

    /// <summary>Enumerates the items in order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A Python-like rendering such as <c>(1, 'a')</c>.</summary>
    /// <returns>The items in parentheses.</returns>
    public override string ToString() => PickleFormatting.Describe(this);
}
