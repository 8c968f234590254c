namespace T2F.Core.Checkpoints;

/// <summary>
/// An object of a class (or the result of a call) that the reader does not understand, kept inert: the class or
/// callable the pickle named, the arguments it would have been called with, and the state BUILD would have set.
/// Nothing is imported, instantiated or called. For example an <c>argparse.Namespace</c> loads as a
/// <see cref="PickledObject"/> whose <see cref="State"/> is a <see cref="PickleDict"/> of the arguments.
/// </summary>
internal sealed class PickledObject
{
    /// <summary>Creates an inert object.</summary>
    /// <param name="callable">The class or function the pickle named (usually a <see cref="PickleGlobal"/>).</param>
    /// <param name="args">The positional arguments of the call.</param>
    /// <param name="kind">How the pickle created it: <c>REDUCE</c>, <c>NEWOBJ</c>, <c>NEWOBJ_EX</c>, <c>INST</c> or <c>OBJ</c>.</param>
    /// <param name="kwargs">The keyword arguments of a <c>NEWOBJ_EX</c>, if any.</param>
    public PickledObject(object callable, PickleTuple args, string kind, PickleDict? kwargs = null)
    {
        ArgumentNullException.ThrowIfNull(callable);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(kind);
        Callable = callable;
        Args = args;
        Kind = kind;
        Kwargs = kwargs;
    }

    /// <summary>The class or function the pickle named; usually a <see cref="PickleGlobal"/>.</summary>
    public object Callable { get; }

    /// <summary>The module of the class or function, e.g. <c>argparse</c>; empty when <see cref="Callable"/> is not a global.</summary>
    public string Module => (Callable as PickleGlobal)?.Module ?? string.Empty;

    /// <summary>The name of the class or function, e.g. <c>Namespace</c>; a description when <see cref="Callable"/> is not a global.</summary>
    public string Name => Callable is PickleGlobal g ? g.Name : PickleFormatting.Describe(Callable);

    /// <summary>The dotted full name, e.g. <c>argparse.Namespace</c>.</summary>
    public string FullName => Callable is PickleGlobal g ? g.FullName : PickleFormatting.Describe(Callable);

    /// <summary>The positional arguments of the call (empty for most classes).</summary>
    public PickleTuple Args { get; }

    /// <summary>The keyword arguments of a <c>NEWOBJ_EX</c>; <see langword="null"/> otherwise.</summary>
    public PickleDict? Kwargs { get; }

    /// <summary>How the pickle created it: <c>REDUCE</c>, <c>NEWOBJ</c>, <c>NEWOBJ_EX</c>, <c>INST</c> or <c>OBJ</c>.</summary>
    public string Kind { get; }

    /// <summary>
    /// The state the pickle's BUILD passed to the object (what <c>__setstate__</c> or <c>__dict__.update</c> would
    /// get): usually a <see cref="PickleDict"/> of attributes, sometimes a tuple <c>(dict, slots)</c>;
    /// <see langword="null"/> when there was no BUILD. Successive BUILDs with dictionaries are merged.
    /// </summary>
    public object? State { get; internal set; }

    /// <summary>Items the pickle appended to the object (for list subclasses); empty otherwise.</summary>
    public List<object?> ListItems { get; } = new();

    /// <summary>Items the pickle set on the object (for dict subclasses); empty otherwise.</summary>
    public PickleDict DictItems { get; } = new();

    /// <summary>
    /// Gets an attribute from <see cref="State"/>: from the dictionary, or from either dictionary of a
    /// <c>(dict, slots)</c> tuple.
    /// </summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">Its value when present.</param>
    /// <returns><see langword="true"/> when the state holds the attribute.</returns>
    public bool TryGetAttribute(string name, out object? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (State)
        {
            case PickleDict dict:
                return dict.TryGetValue(name, out value);
            case PickleTuple { Count: 2 } pair:
                if (pair[0] is PickleDict d0 && d0.TryGetValue(name, out value))
                {
                    return true;
                }

                if (pair[1] is PickleDict d1 && d1.TryGetValue(name, out value))
                {
                    return true;
                }

                break;
        }

        value = null;
        return false;
    }

    /// <summary>A short description such as <c>argparse.Namespace(...)</c>.</summary>
    /// <returns>The class name and arguments, abbreviated.</returns>
    public override string ToString() => PickleFormatting.Describe(this);
}
