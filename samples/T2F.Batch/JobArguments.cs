using T2F.Core.Batch;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary>The job options every verb that runs a job takes (--spec or --synthfaces, --seed, --shard-size, ...).</summary>
internal static class JobArguments
{
    /// <summary>The option names <see cref="Parse"/> reads.</summary>
    public static readonly string[] Names = ["spec", "synthfaces", "per-description", "out", "seed", "shard-size", "truncation", "variation"];

    /// <summary>The job the options describe, validated.</summary>
    /// <exception cref="ArgumentException">An option is missing or invalid.</exception>
    /// <exception cref="FormatException">The spec file has a bad line.</exception>
    /// <exception cref="IOException">The spec file cannot be read.</exception>
    public static BatchJobSpec Parse(Dictionary<string, string> o)
    {
        long seed = CommandLineOptions.Int(o, "seed", 0, 0);
        if (o.ContainsKey("spec") == o.ContainsKey("synthfaces"))
        {
            throw new ArgumentException("give exactly one of --spec FILE.jsonl and --synthfaces N.");
        }

        var spec = o.TryGetValue("spec", out var file)
            ? BatchJobSpec.ReadJsonl(file, seed)
            : BatchJobSpec.SampleSynthFaces(CommandLineOptions.Int(o, "synthfaces", 0, 1), seed, CommandLineOptions.Int(o, "per-description", 1, 1));
        spec = spec with
        {
            ShardSize = CommandLineOptions.Int(o, "shard-size", 256, 1),
            Truncation = CommandLineOptions.Float(o, "truncation", spec.Truncation, 0, 1),
            Variation = CommandLineOptions.Float(o, "variation", spec.Variation, 0, 2),
        };
        spec.Validate();
        return spec;
    }
}
