using System.Globalization;

namespace T2F.Samples.Shared;

/// <summary>The <c>--name value</c> options of the sample programs (linked into each sample that uses it).</summary>
internal static class CommandLineOptions
{
    /// <summary>Parses <c>--name value</c> pairs into a map keyed by name without the dashes.</summary>
    public static Dictionary<string, string> Parse(ReadOnlySpan<string> args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', found '{args[i]}'.");
            }

            map[args[i][2..]] = args[++i];
        }

        return map;
    }

    /// <summary>Rejects options outside <paramref name="names"/>.</summary>
    public static void Allow(Dictionary<string, string> o, params string[] names)
    {
        foreach (var key in o.Keys.Where(k => !names.Contains(k)))
        {
            throw new ArgumentException($"unknown option --{key}.");
        }
    }

    /// <summary>The value of a required option.</summary>
    public static string Required(Dictionary<string, string> o, string name)
        => o.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.");

    /// <summary>An integer option with a default and a lower bound.</summary>
    public static int Int(Dictionary<string, string> o, string name, int fallback, int min)
    {
        if (!o.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
        {
            throw new ArgumentException($"--{name} must be an integer >= {min}; got {text}.");
        }

        return v;
    }

    /// <summary>A finite number option with a default and inclusive bounds.</summary>
    public static float Float(Dictionary<string, string> o, string name, float fallback, float min, float max)
    {
        if (!o.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v) || v < min || v > max)
        {
            throw new ArgumentException($"--{name} must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]; got '{text}'.");
        }

        return v;
    }
}
