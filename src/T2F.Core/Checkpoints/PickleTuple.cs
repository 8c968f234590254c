using System.Collections;

namespace T2F.Core.Checkpoints;

/// <summary>
/// A Python tuple read from a pickle: an immutable, ordered list of items.
/// </summary>
internal sealed class PickleTuple : IReadOnlyList<object?>
{
    private readonly object?[] items;

    /// <summary>Creates a tuple holding <paramref name="items"/> (copied).</summary>
    /// <param name="items">The items in order.</param>
    public PickleTuple(params object?[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        this.items = (object?[])items.Clone();
    }

    /// <summary>The empty tuple.</summary>
    public static PickleTuple Empty { get; } = new();

    /// <summary>The number of items.</summary>
    public int Count => this.items.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    /// <param name="index">The zero-based position.</param>
    /// <returns>The item.</returns>
    public object? this[int index] => this.items[index];

    /// <summary>Enumerates the items in order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)this.items).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A Python-like rendering such as <c>(1, 'a')</c>.</summary>
    /// <returns>The items in parentheses.</returns>
    public override string ToString() => PickleFormatting.Describe(this);
}
