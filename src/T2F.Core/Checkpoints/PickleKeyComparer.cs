using System.Numerics;
using System.Runtime.CompilerServices;

namespace T2F.Core.Checkpoints;

/// <summary>
/// Python-like key equality for <see cref="PickleDict"/> and <see cref="PickleSet"/>: numbers compare by value
/// across <see cref="long"/>, <see cref="BigInteger"/>, <see cref="bool"/> and <see cref="double"/> (and the other
/// CLR integer types a caller may pass), strings ordinally, bytes and tuples element by element, anything else
/// by reference.
/// </summary>
internal sealed class PickleKeyComparer : IEqualityComparer<object>
{
    public static PickleKeyComparer Instance { get; } = new();

    private PickleKeyComparer()
    {
    }

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        object nx = Normalize(x);
        object ny = Normalize(y);
        switch (nx)
        {
            case long a:
                return ny is long lb && a == lb;
            case BigInteger a:
                return ny is BigInteger bb && a == bb;
            case double a:
                return ny is double db && a.Equals(db);
            case string a:
                return ny is string sb && string.Equals(a, sb, StringComparison.Ordinal);
            case byte[] a:
                return ny is byte[] yb && a.AsSpan().SequenceEqual(yb);
            case PickleTuple a:
                if (ny is not PickleTuple t || t.Count != a.Count)
                {
                    return false;
                }

                for (int i = 0; i < a.Count; i++)
                {
                    if (!Equals(a[i], t[i]))
                    {
                        return false;
                    }
                }

                return true;
            case PickleGlobal a:
                return a.Equals(ny as PickleGlobal);
            default:
                return ReferenceEquals(nx, ny);
        }
    }

    public int GetHashCode(object obj)
    {
        object n = Normalize(obj);
        switch (n)
        {
            case long a:
                return a.GetHashCode();
            case BigInteger a:
                return a.GetHashCode();
            case double a:
                return a.GetHashCode();
            case string a:
                return StringComparer.Ordinal.GetHashCode(a);
            case byte[] a:
                {
                    var h = new HashCode();
                    h.AddBytes(a);
                    return h.ToHashCode();
                }

            case PickleTuple a:
                {
                    var h = new HashCode();
                    foreach (object? item in a)
                    {
                        h.Add(item is null ? 0 : GetHashCode(item));
                    }

                    return h.ToHashCode();
                }

            case PickleGlobal a:
                return a.GetHashCode();
            default:
                return RuntimeHelpers.GetHashCode(n);
        }
    }

    /// <summary>Maps equal Python numbers to one CLR representation: long when integral and in range.</summary>
    private static object Normalize(object value)
    {
        switch (value)
        {
            case bool b:
                return b ? 1L : 0L;
            case int i:
                return (long)i;
            case short s:
                return (long)s;
            case sbyte sb:
                return (long)sb;
            case byte by:
                return (long)by;
            case ushort us:
                return (long)us;
            case uint ui:
                return (long)ui;
            case ulong ul:
                return ul <= long.MaxValue ? (object)(long)ul : new BigInteger(ul);
            case BigInteger big:
                return big >= long.MinValue && big <= long.MaxValue ? (object)(long)big : big;
            case float f:
                return Normalize((double)f);
            case double d:
                if (Math.Floor(d) == d && d >= -9.2233720368547758E18 && d < 9.2233720368547758E18)
                {
                    return (long)d;
                }

                return d;
            default:
                return value;
        }
    }
}
