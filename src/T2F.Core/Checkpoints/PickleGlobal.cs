namespace T2F.Core.Checkpoints;

/// <summary>
/// A reference to a Python global (a class or function named by module and name) found in a pickle.
/// It is only a name: nothing is looked up, imported or called.
/// </summary>
internal sealed class PickleGlobal : IEquatable<PickleGlobal>
{
    /// <summary>Creates a reference to <paramref name="module"/>.<paramref name="name"/>.</summary>
    /// <param name="module">The module, e.g. <c>argparse</c>.</param>
    /// <param name="name">The qualified name inside the module, e.g. <c>Namespace</c>.</param>
    public PickleGlobal(string module, string name)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(name);
        Module = module;
        Name = name;
    }

    /// <summary>The module, e.g. <c>argparse</c>.</summary>
    public string Module { get; }

    /// <summary>The qualified name inside the module, e.g. <c>Namespace</c>.</summary>
    public string Name { get; }

    /// <summary>The dotted full name, e.g. <c>argparse.Namespace</c>.</summary>
    public string FullName => Module.Length == 0 ? Name : Module + "." + Name;

    /// <summary>Whether this refers to <paramref name="module"/>.<paramref name="name"/>.</summary>
    /// <param name="module">The module.</param>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when both match exactly.</returns>
    public bool Is(string module, string name) =>
        string.Equals(Module, module, StringComparison.Ordinal) && string.Equals(Name, name, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="other"/> names the same global.</summary>
    /// <param name="other">The other reference.</param>
    /// <returns><see langword="true"/> when module and name are equal.</returns>
    public bool Equals(PickleGlobal? other) => other is not null && Is(other.Module, other.Name);

    /// <summary>Whether <paramref name="obj"/> is a <see cref="PickleGlobal"/> naming the same global.</summary>
    /// <param name="obj">The other object.</param>
    /// <returns><see langword="true"/> when module and name are equal.</returns>
    public override bool Equals(object? obj) => Equals(obj as PickleGlobal);

    /// <summary>A hash of module and name.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(
        StringComparer.Ordinal.GetHashCode(Module), StringComparer.Ordinal.GetHashCode(Name));

    /// <summary>The dotted full name.</summary>
    /// <returns><see cref="FullName"/>.</returns>
    public override string ToString() => FullName;
}
