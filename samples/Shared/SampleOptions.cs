using System.CommandLine;
using System.Globalization;

namespace T2F.Samples.Shared;

/// <summary>
/// The options of the samples, made one way: a placeholder (<c>--count &lt;N&gt;</c>), a description that states the
/// accepted values (the same words as the error), a default that <c>--help</c> shows, and two behaviours the
/// hand-written parsers had and the scripts rely on. The LAST occurrence of an option wins (<c>--steps 100 ...
/// --steps 200</c> trains 200 steps: docs/default-model.md appends to training/synthfaces64.sh's flags); numbers are
/// read in the invariant culture. A value outside its bounds is a parse error:
/// <c>--count must be an integer &gt;= 1; got '0'.</c>, exit 2 through <see cref="SampleCommandLine"/>.
/// </summary>
internal static class SampleOptions
{
    /// <summary>An integer option with a default and inclusive bounds.</summary>
    public static Option<int> Int(string name, string helpName, string description, int defaultValue, int min, int max = int.MaxValue, NumberStyles styles = NumberStyles.Integer)
        => WithDefault(Create(name, helpName, Describe(description, IntegerRange(min, max)), IntegerRange(min, max), text => TryInt(text, styles, min, max)), defaultValue);

    /// <summary>An integer option without a default: null when it is not given.</summary>
    public static Option<int?> OptionalInt(string name, string helpName, string description, int min, int max = int.MaxValue)
        => Create<int?>(name, helpName, Describe(description, IntegerRange(min, max)), IntegerRange(min, max), text => TryInt(text, NumberStyles.Integer, min, max) is (true, var v) ? (true, v) : (false, null));

    /// <summary>A 64-bit integer option with a default and inclusive bounds.</summary>
    public static Option<long> Long(string name, string helpName, string description, long defaultValue, long min, long max = long.MaxValue, NumberStyles styles = NumberStyles.Integer)
        => WithDefault(Create(name, helpName, Describe(description, IntegerRange(min, max)), IntegerRange(min, max), text =>
            long.TryParse(text, styles, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max ? (true, v) : (false, 0L)), defaultValue);

    /// <summary>A finite number option with a default and bounds (the lower one exclusive when <paramref name="aboveMin"/>).</summary>
    public static Option<float> Float(string name, string helpName, string description, float defaultValue, float min, float max, bool aboveMin = false)
        => WithDefault(Create(name, helpName, Describe(description, NumberRange(min, max, aboveMin)), NumberRange(min, max, aboveMin), text => TryFloat(text, min, max, aboveMin) is { } v ? (true, v) : (false, 0f)), defaultValue);

    /// <summary>A finite number option without a default: null when it is not given.</summary>
    public static Option<float?> OptionalFloat(string name, string helpName, string description, float min, float max, bool aboveMin = false)
        => Create<float?>(name, helpName, Describe(description, NumberRange(min, max, aboveMin)), NumberRange(min, max, aboveMin), text => TryFloat(text, min, max, aboveMin) is { } v ? (true, v) : (false, null));

    /// <summary>A finite double-precision option with a default and inclusive bounds.</summary>
    public static Option<double> Double(string name, string helpName, string description, double defaultValue, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
        => WithDefault(Create(name, helpName, Describe(description, NumberRange(min, max, false)), NumberRange(min, max, false), text => TryDouble(text, min, max, false)), defaultValue);

    /// <summary>One of a few words, e.g. <c>--noise random|const</c> (the placeholder lists them).</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
        => WithDefault(Create(name, string.Join('|', values), description, Join(values), text => values.Contains(text, StringComparer.Ordinal) ? (true, text) : (false, text)), defaultValue);

    /// <summary>
    /// A value the program checks itself (<paramref name="parse"/> returns null to reject it), e.g. <c>--channels
    /// 4:256,8:128</c> or <c>--redis HOST:PORT</c>; <paramref name="expected"/> completes the error's "must be ...",
    /// <paramref name="description"/> says the same for the help.
    /// </summary>
    public static Option<T?> Parsed<T>(string name, string helpName, string description, string expected, Func<string, T?> parse)
        where T : class
        => Create(name, helpName, description, expected, text => parse(text) is { } v ? (true, v) : (false, (T?)null));

    /// <summary>A text, path or name option; required, or with a default, or null when it is not given.</summary>
    public static Option<string> Text(string name, string helpName, string description, bool required = false, string? defaultValue = null)
    {
        var option = Create(name, helpName, description, expected: null, text => (true, text));
        option.Required = required;
        return defaultValue is null ? option : WithDefault(option, defaultValue);
    }

    /// <summary>A text option that may be given several times (<c>--text A --text B</c>), in order.</summary>
    public static Option<List<string>> Texts(string name, string helpName, string description, bool required)
        => new(name)
        {
            HelpName = helpName,
            Description = description,
            Required = required,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

    /// <summary><c>--threads K</c> (K >= 1), null when it is not given: each sample says what its default is.</summary>
    public static Option<int?> Threads(string description)
        => OptionalInt("--threads", "K", description, min: 1);

    /// <summary><c>--seed S</c> with default 0 and the bounds of the sample's use of it.</summary>
    public static Option<long> Seed(string description, long min = 0, long max = long.MaxValue, NumberStyles styles = NumberStyles.Integer)
        => Long("--seed", "S", description, 0, min, max, styles);

    private static Option<T> WithDefault<T>(Option<T> option, T value)
    {
        option.DefaultValueFactory = _ => value;
        return option;
    }

    // A number's description ends with its bounds, in the words of its error.
    private static string Describe(string description, string range) => $"{description}; {range}";

    // Every option: its placeholder, its description, and the last occurrence parsed.
    private static Option<T> Create<T>(string name, string helpName, string description, string? expected, Func<string, (bool Ok, T Value)> parse)
        => new(name)
        {
            HelpName = helpName,
            Description = description,
            // Several occurrences are accepted, each with one value ("--count 1 2" leaves "2" unmatched, an error).
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                string text = result.Tokens[^1].Value;
                var (ok, value) = parse(text);
                if (!ok)
                {
                    result.AddError($"{name} must be {expected}; got '{text}'.");
                }

                return value;
            },
        };

    private static (bool, int) TryInt(string text, NumberStyles styles, int min, int max)
        => int.TryParse(text, styles, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max ? (true, v) : (false, 0);

    private static (bool, double) TryDouble(string text, double min, double max, bool aboveMin)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            && (aboveMin ? v > min : v >= min) && v <= max
            ? (true, v)
            : (false, 0);

    // A float option's value is also finite as a float ("1e39" is not).
    private static float? TryFloat(string text, float min, float max, bool aboveMin)
        => TryDouble(text, min, max, aboveMin) is (true, var v) && float.IsFinite((float)v) ? (float)v : null;

    private static string IntegerRange(long min, long max)
        => (min, max) switch
        {
            (long.MinValue or int.MinValue, long.MaxValue or int.MaxValue) => "an integer",
            (_, long.MaxValue or int.MaxValue) => Invariant($"an integer >= {min}"),
            _ => Invariant($"an integer in [{min}, {max}]"),
        };

    private static string NumberRange(double min, double max, bool aboveMin)
        => (double.IsInfinity(min), double.IsInfinity(max)) switch
        {
            (true, true) => "a finite number",
            (false, true) => Invariant($"a finite number {(aboveMin ? ">" : ">=")} {min}"),
            (true, false) => Invariant($"a finite number <= {max}"),
            _ => Invariant($"a number in {(aboveMin ? "(" : "[")}{min}, {max}]"),
        };

    private static string Join(string[] values) => values.Length == 1 ? values[0] : $"{string.Join(", ", values[..^1])} or {values[^1]}";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
