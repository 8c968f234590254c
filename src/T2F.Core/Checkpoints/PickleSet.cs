using System.Collections;

namespace T2F.Core.Checkpoints;

/// <summary>
/// A Python <c>set</c> or <c>frozenset</c> read from a pickle. Items keep the order in which the pickle added them;
/// duplicates (by Python-like equality) are dropped.
/// </summary>
internal sealed class PickleSet : IReadOnlyCollection<object?>
{
    private readonly List<object?> items = new();
    private readonly HashSet<object> seen = new(PickleKeyComparer.Instance);
    private bool hasNone;

    /// <summary>Creates an empty set.</summary>
    /// <param name="isFrozen">Whether it stands for a <c>frozenset</c>.</param>
    public PickleSet(bool isFrozen = false)
    {
        IsFrozen = isFrozen;
    }

    /// <summary>Whether the pickle built it as a <c>frozenset</c>.</summary>
    public bool IsFrozen { get; }

    /// <summary>The number of items.</summary>
    public int Count => items.Count;

    /// <summary>Whether the set holds an item equal to <paramref name="item"/>.</summary>
    /// <param name="item">The item (<see langword="null"/> for Python's None).</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(object? item) => item is null ? hasNone : seen.Contains(item);

    /// <summary>Enumerates the items in the order they were added.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<object?> GetEnumerator() => items.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A short Python-like rendering.</summary>
    /// <returns>The items in braces, abbreviated.</returns>
    public override string ToString() => PickleFormatting.Describe(this);

    /// <summary>Adds <paramref name="item"/> unless an equal item is already there.</summary>
    internal void Add(object? item)
    {
        if (item is null)
        {
            if (!hasNone)
            {
                hasNone = true;
                items.Add(null);
            }

            return;
        }

        if (seen.Add(item))
        {
            items.Add(item);
        }
    }
}
