using System.Globalization;
using T2F.Core.Pipeline;
using T2F.Web.Hosting;

namespace T2F.Web.Api;

/// <summary>
/// Checks a request's fields against the server's limits and turns them into pipeline options. Each check returns
/// the one-line message a client sees in the 400 response, or null when the field is fine.
/// </summary>
public sealed class RequestLimits(FaceServerOptions options)
{
    /// <summary>Largest seed: the samples' bound, far inside JSON's exact integers (2^53).</summary>
    public const long MaxSeed = 0x7fffffffffff;

    /// <summary>The server's options.</summary>
    public FaceServerOptions Options { get; } = options;

    /// <summary>A description field: present, not blank, not longer than the limit.</summary>
    public string? Text(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"'{field}' is required: describe the face, e.g. \"The woman has blond hair and is smiling.\"";
        }

        return text.Length > Options.MaxTextLength
            ? string.Create(CultureInfo.InvariantCulture, $"'{field}' has {text.Length} characters; the limit is {Options.MaxTextLength}.")
            : null;
    }

    /// <summary>A count field in [min, max].</summary>
    public static string? Count(int value, int min, int max, string field)
        => value < min || value > max ? string.Create(CultureInfo.InvariantCulture, $"'{field}' must be {min} to {max}; got {value}.") : null;

    /// <summary>Seed and truncation, then the pipeline options.</summary>
    public static string? Generation(long? seed, float? truncation, int faces, out GenerationOptions options)
    {
        options = new GenerationOptions { Seed = seed ?? 0, FacesPerDescription = faces, Truncation = truncation ?? 1f };
        if (options.Seed < 0 || options.Seed > MaxSeed)
        {
            return string.Create(CultureInfo.InvariantCulture, $"'seed' must be 0 to {MaxSeed}; got {options.Seed}.");
        }

        return !float.IsFinite(options.Truncation) || options.Truncation <= 0 || options.Truncation > 1
            ? string.Create(CultureInfo.InvariantCulture, $"'truncation' must be in (0, 1] (1: off, 0.7: typical); got {options.Truncation}.")
            : null;
    }
}
