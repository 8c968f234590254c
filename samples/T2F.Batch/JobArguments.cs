using System.CommandLine;
using T2F.Core.Batch;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary>
/// The job options every verb that runs a job takes (--spec or --synthfaces, --out, --seed, --shard-size, ...), made
/// once per verb (a System.CommandLine option belongs to one command).
/// </summary>
internal sealed class JobArguments
{
    private readonly Option<string> spec = SampleOptions.Text("--spec", "FILE.jsonl", "the job as JSON Lines: {\"id\": \"a1\", \"text\": \"...\", \"count\": 4[, \"attributes\": \"Male Smiling\"]} per line");
    private readonly Option<int?> synthFaces = SampleOptions.OptionalInt("--synthfaces", "N", "or: N SynthFaces attribute sets sampled with --seed, each described once (a labelled dataset)", min: 1);
    private readonly Option<int> perDescription = SampleOptions.Int("--per-description", "K", "faces per sampled description (with --synthfaces)", 1, min: 1);
    private readonly Option<string> output = SampleOptions.Text("--out", "DIR", "dataset folder (CelebA layout: img_align_celeba/, caps.txt, list_eval_partition.txt, list_attr_celeba.txt when every item states its attributes; shards/ and t2f-batch.json); on a cluster, a path that is the same shared storage on every silo", required: true);
    private readonly Option<long> seed = SampleOptions.Seed("job seed: face k of item id is a pure function of (model, seed, id, k)", max: int.MaxValue);
    private readonly Option<int> shardSize = SampleOptions.Int("--shard-size", "N", "faces per shard, the unit of commit, resume and lease", 256, min: 1);
    private readonly Option<float?> truncation = SampleOptions.OptionalFloat("--truncation", "T", "truncation psi (default: the job file's, else 0.7)", 0, 1, aboveMin: true);
    private readonly Option<float?> variation = SampleOptions.OptionalFloat("--variation", "V", "variation between a description's faces (default: the job file's, else the library's)", 0, 2);

    /// <summary>Adds the job options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { spec, synthFaces, perDescription, output, seed, shardSize, truncation, variation })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>--out DIR.</summary>
    public string Output(ParseResult result) => result.GetRequiredValue(output);

    /// <summary>The job the options describe, validated.</summary>
    /// <exception cref="UsageException">Neither or both of --spec and --synthfaces.</exception>
    /// <exception cref="ArgumentException">The job is invalid.</exception>
    /// <exception cref="FormatException">The spec file has a bad line.</exception>
    /// <exception cref="IOException">The spec file cannot be read.</exception>
    public BatchJobSpec Parse(ParseResult result)
    {
        long jobSeed = result.GetValue(seed);
        string? file = result.GetValue(spec);
        int? count = result.GetValue(synthFaces);
        if ((file is null) == (count is null))
        {
            throw new UsageException("give exactly one of --spec FILE.jsonl and --synthfaces N.");
        }

        var job = file is not null
            ? BatchJobSpec.ReadJsonl(file, jobSeed)
            : BatchJobSpec.SampleSynthFaces(count!.Value, jobSeed, result.GetValue(perDescription));
        job = job with
        {
            ShardSize = result.GetValue(shardSize),
            Truncation = result.GetValue(truncation) ?? job.Truncation,
            Variation = result.GetValue(variation) ?? job.Variation,
        };
        job.Validate();
        return job;
    }
}
