using System.Globalization;
using System.Numerics;
using System.Text;

namespace T2F.Core.Checkpoints;

/// <summary>Short, bounded, Python-like renderings of unpickled values for messages and ToString.</summary>
internal static class PickleFormatting
{
    private const int MaxItems = 8;
    private const int MaxDepth = 3;
    private const int MaxString = 60;

    public static string Describe(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value, 0);
        return sb.ToString();
    }

    /// <summary>The Python-ish type name of a value, e.g. <c>str</c>, <c>int</c>, <c>dict</c>, <c>tensor Float32[3]</c>.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "None",
        string => "str",
        long or int or BigInteger => "int",
        bool => "bool",
        double or float => "float",
        byte[] => "bytes",
        PickleDict d => d.IsOrderedDict ? "OrderedDict" : "dict",
        PickleTuple => "tuple",
        PickleSet s => s.IsFrozen ? "frozenset" : "set",
        List<object?> => "list",
        TensorData t => "tensor " + t,
        PickleGlobal g => "global " + g.FullName,
        PickledObject o => "object of " + o.FullName,
        _ => value.GetType().Name,
    };

    public static string DescribeKeys(PickleDict dict)
    {
        var sb = new StringBuilder("[");
        int n = 0;
        foreach (object key in dict.Keys)
        {
            if (n > 0)
            {
                sb.Append(", ");
            }

            if (n == 20)
            {
                sb.Append("... ").Append(dict.Count - n).Append(" more");
                break;
            }

            Append(sb, key, MaxDepth);
            n++;
        }

        return sb.Append(']').ToString();
    }

    private static void Append(StringBuilder sb, object? value, int depth)
    {
        switch (value)
        {
            case null:
                sb.Append("None");
                return;
            case string s:
                sb.Append('\'');
                sb.Append(s.Length > MaxString ? s[..MaxString] + "..." : s);
                sb.Append('\'');
                return;
            case bool b:
                sb.Append(b ? "True" : "False");
                return;
            case double d:
                sb.Append(FormatFloat(d));
                return;
            case IFormattable f when value is long or int or BigInteger:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
            case byte[] bytes:
                sb.Append("b<").Append(bytes.Length).Append(" bytes>");
                return;
            case TensorData t:
                sb.Append("tensor ").Append(t);
                return;
            case PickleGlobal g:
                sb.Append(g.FullName);
                return;
        }

        if (depth >= MaxDepth)
        {
            sb.Append("...");
            return;
        }

        switch (value)
        {
            case PickleDict dict:
                sb.Append(dict.IsOrderedDict ? "OrderedDict{" : "{");
                AppendItems(sb, dict, dict.Count, depth, (s, kv, d) =>
                {
                    Append(s, kv.Key, d);
                    s.Append(": ");
                    Append(s, kv.Value, d);
                });
                sb.Append('}');
                return;
            case PickleTuple tuple:
                sb.Append('(');
                AppendItems(sb, tuple, tuple.Count, depth, Append);
                if (tuple.Count == 1)
                {
                    sb.Append(',');
                }

                sb.Append(')');
                return;
            case PickleSet set:
                sb.Append(set.IsFrozen ? "frozenset{" : "{");
                AppendItems(sb, set, set.Count, depth, Append);
                sb.Append('}');
                return;
            case List<object?> list:
                sb.Append('[');
                AppendItems(sb, list, list.Count, depth, Append);
                sb.Append(']');
                return;
            case PickledObject obj:
                sb.Append(obj.FullName).Append('(');
                AppendItems(sb, obj.Args, obj.Args.Count, depth, Append);
                sb.Append(')');
                if (obj.State is not null)
                {
                    sb.Append(" state=");
                    Append(sb, obj.State, depth + 1);
                }

                return;
            default:
                sb.Append('<').Append(value!.GetType().Name).Append('>');
                return;
        }
    }

    /// <summary>Python's repr of a float: 0.0, 1e-08, inf, nan.</summary>
    private static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        string r = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return r.Contains('.', StringComparison.Ordinal) || r.Contains('e', StringComparison.Ordinal) ? r : r + ".0";
    }

    private static void AppendItems<T>(StringBuilder sb, IEnumerable<T> items, int count, int depth, Action<StringBuilder, T, int> append)
    {
        int n = 0;
        foreach (T item in items)
        {
            if (n > 0)
            {
                sb.Append(", ");
            }

            if (n == MaxItems)
            {
                sb.Append("... ").Append(count - n).Append(" more");
                break;
            }

            append(sb, item, depth + 1);
            n++;
        }
    }
}
