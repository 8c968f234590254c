using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace T2F.Core.Checkpoints;

/// <summary>
/// A Python <c>dict</c> or <c>collections.OrderedDict</c> read from a pickle, or built to be written with
/// <see cref="PyTorchCheckpointWriter"/>. It keeps insertion order (as Python does) and compares keys like Python:
/// <c>1</c>, <c>1L</c> and <c>True</c> are the same key, strings are compared ordinally, tuples element by element.
/// </summary>
internal sealed class PickleDict : IReadOnlyDictionary<object, object?>
{
    private readonly List<object> keys = new();
    private readonly List<object?> values = new();
    private readonly Dictionary<object, int> index = new(PickleKeyComparer.Instance);

    /// <summary>Creates an empty dictionary.</summary>
    /// <param name="isOrderedDict">Whether it stands for a <c>collections.OrderedDict</c>.</param>
    public PickleDict(bool isOrderedDict = false)
    {
        IsOrderedDict = isOrderedDict;
    }

    /// <summary>Whether the pickle built it as a <c>collections.OrderedDict</c> (as every PyTorch state_dict is).</summary>
    public bool IsOrderedDict { get; }

    /// <summary>
    /// The attributes the pickle set on the object with BUILD, if any; for a PyTorch state_dict this is a dict
    /// holding <c>_metadata</c> (module versions). <see langword="null"/> when there were none.
    /// </summary>
    public object? State { get; internal set; }

    /// <summary>The number of entries.</summary>
    public int Count => keys.Count;

    /// <summary>The keys in insertion order.</summary>
    public IEnumerable<object> Keys => keys;

    /// <summary>The values in insertion order.</summary>
    public IEnumerable<object?> Values => values;

    /// <summary>
    /// The value stored under <paramref name="key"/>. Setting a new key adds it last; setting an existing key
    /// replaces its value and keeps its place (as Python does).
    /// </summary>
    /// <param name="key">The key (a string, a number, a tuple...).</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">Getting a key that is not there; the message lists some of the keys there are.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public object? this[object key]
    {
        get
        {
            if (TryGetValue(key, out object? value))
            {
                return value;
            }

            throw new KeyNotFoundException(
                $"The dictionary has no key {PickleFormatting.Describe(key)}; its keys are {PickleFormatting.DescribeKeys(this)}.");
        }

        set
        {
            ArgumentNullException.ThrowIfNull(key);
            Set(key, value);
        }
    }

    /// <summary>
    /// Adds <paramref name="key"/> last (so collection initializers such as
    /// <c>new PickleDict(isOrderedDict: true) { { "weight", tensor } }</c> work).
    /// </summary>
    /// <param name="key">The key (a string, a number, a tuple...).</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The dictionary already has a key equal to <paramref name="key"/> (in Python's sense).</exception>
    public void Add(object key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (index.ContainsKey(key))
        {
            throw new ArgumentException($"The dictionary already has the key {PickleFormatting.Describe(key)}.", nameof(key));
        }

        Set(key, value);
    }

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return index.ContainsKey(key);
    }

    /// <summary>Gets the value stored under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when present.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetValue(object key, [MaybeNullWhen(false)] out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (index.TryGetValue(key, out int i))
        {
            value = values[i];
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Enumerates the entries in insertion order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator()
    {
        for (int i = 0; i < keys.Count; i++)
        {
            yield return new KeyValuePair<object, object?>(keys[i], values[i]);
        }
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A short Python-like rendering.</summary>
    /// <returns>The entries in braces, abbreviated.</returns>
    public override string ToString() => PickleFormatting.Describe(this);

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>: a new key goes last, an existing key keeps its place.</summary>
    internal void Set(object key, object? value)
    {
        if (index.TryGetValue(key, out int i))
        {
            values[i] = value;
            return;
        }

        index.Add(key, keys.Count);
        keys.Add(key);
        values.Add(value);
    }
}
