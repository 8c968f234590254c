using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.IO;
using T2F.Core.Pipeline;

namespace T2F.Core.Batch;

/// <summary>
/// Runs a <see cref="BatchJobSpec"/> into a dataset folder in the CelebA layout the readers of this library read
/// (<c>img_align_celeba/</c>, <c>caps.txt</c>, <c>list_eval_partition.txt</c>, and <c>list_attr_celeba.txt</c> when
/// every item states its attributes). The work is cut into shards of <see cref="BatchJobSpec.ShardSize"/> faces; a
/// shard is committed when its list <c>shards/NNNNNN.tsv</c> is written (atomically, after its images, each written
/// atomically), so a killed run leaves only whole files and a rerun skips every committed shard. Face k of item id is a
/// pure function of (model, job seed, id, k, settings): shards can be computed in any order, by any process.
/// </summary>
public static class BatchGenerator
{
    /// <summary>The job file: format, fingerprint, counts, whether the dataset lists are written.</summary>
    public const string JobFileName = "t2f-batch.json";

    /// <summary>The folder of the committed shard lists.</summary>
    public const string ShardFolder = "shards";

    private const string Format = "t2f-batch/1";

    /// <summary>The image file name of face <paramref name="index"/> of item <paramref name="id"/>.</summary>
    public static string ImageFileName(string id, int index) => string.Create(CultureInfo.InvariantCulture, $"{id}_{index:D5}.png");

    /// <summary>The generation seed of face <paramref name="index"/> of item <paramref name="id"/> (47 bits, as the pipeline takes).</summary>
    public static long FaceSeed(long jobSeed, string id, int index)
        => (long)(DeterministicRandom.Derive(jobSeed, (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(id)), index) & 0x7fffffffffffUL);

    /// <summary>Runs (or resumes) the job one shard at a time: generates every shard not committed yet, then writes the dataset lists.</summary>
    /// <param name="pipeline">The model.</param>
    /// <param name="spec">The job.</param>
    /// <param name="folder">The dataset folder (created).</param>
    /// <param name="progress">Receives progress after each shard.</param>
    /// <param name="cancellationToken">Stops between faces; committed shards stay committed.</param>
    /// <exception cref="InvalidOperationException">The folder holds a different job.</exception>
    public static BatchResult Run(TextToFacePipeline pipeline, BatchJobSpec spec, string folder, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
        => Run(pipeline, spec, folder, parallelShards: 1, progress, cancellationToken);

    /// <summary>
    /// Runs (or resumes) the job with <paramref name="parallelShards"/> shards generated at once: generates every shard
    /// not committed yet, then writes the dataset lists. The bytes of a face depend on libtorch's intra-op thread count
    /// (the order of float reductions), so a job meant to be reproduced bit for bit elsewhere runs with one libtorch
    /// thread (<c>torch.set_num_threads(1)</c>) and uses the cores through this parallelism instead, as the batch sample
    /// and the Orleans workers do.
    /// </summary>
    /// <param name="pipeline">The model (thread-safe).</param>
    /// <param name="spec">The job.</param>
    /// <param name="folder">The dataset folder (created).</param>
    /// <param name="parallelShards">Shards generated at once (1 or more).</param>
    /// <param name="progress">Receives progress after each shard (from the thread that committed it, one call at a time).</param>
    /// <param name="cancellationToken">Stops between faces; committed shards stay committed.</param>
    /// <exception cref="InvalidOperationException">The folder holds a different job.</exception>
    public static BatchResult Run(TextToFacePipeline pipeline, BatchJobSpec spec, string folder, int parallelShards, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelShards, 1);
        spec.Validate();
        string root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        using var exclusive = RunFolderLock.Acquire(root);
        Prepare(spec, root);
        RemoveTemporaryFiles(root);

        var clock = Stopwatch.StartNew();
        var pending = Enumerable.Range(0, spec.ShardCount).Where(shard => !IsCommitted(root, spec, shard)).ToList();
        int skipped = spec.ShardCount - pending.Count, written = 0;
        long faces = 0;
        var gate = new Lock();
        try
        {
            Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = parallelShards, CancellationToken = cancellationToken }, shard =>
            {
                int generated = GenerateShard(pipeline, spec, root, shard, cancellationToken);
                lock (gate)
                {
                    faces += generated;
                    written++;
                    var elapsed = clock.Elapsed;
                    progress?.Report(new BatchProgress(skipped + written, spec.ShardCount, faces, elapsed, elapsed / written * (pending.Count - written)));
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // One shard failed: its own exception, as the sequential loop threw it.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        Finish(spec, root);
        return new BatchResult(root, spec.TotalFaces, written, skipped, clock.Elapsed);
    }

    /// <summary>
    /// Claims <paramref name="folder"/> for the job, the first step of <c>Run</c> and of any process that
    /// coordinates the job's shards itself (a cluster): creates it, writes the job file into a new folder, accepts a
    /// folder of the same job (resume) and refuses any other. Takes no lock and removes no temporary file, since other
    /// processes may be writing shards of the same job into the folder.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder holds a different job, or files that are not a job's.</exception>
    public static void Prepare(BatchJobSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        spec.Validate();
        string root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        ClaimFolder(root, spec, spec.Fingerprint());
    }

    /// <summary>Whether the job's dataset lists are written (<see cref="Finish"/> ran to the end on this folder).</summary>
    /// <exception cref="InvalidOperationException">The folder holds a different job.</exception>
    public static bool IsFinished(BatchJobSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var job = ReadJobFile(Path.GetFullPath(folder));
        if (job is null)
        {
            return false;
        }

        return job.Fingerprint == spec.Fingerprint()
            ? job.Complete
            : throw new InvalidOperationException($"{folder} holds another batch job (fingerprint {job.Fingerprint[..12]}...); use a new output folder or the same spec.");
    }

    /// <summary>
    /// The last step of a job, once every shard is committed: removes the temporary files that killed writers left
    /// behind, writes the dataset lists from the shard lists, and marks the job file complete. Writing the lists again
    /// writes the same bytes.
    /// </summary>
    /// <exception cref="InvalidOperationException">A shard is not committed, or the folder holds a different job.</exception>
    public static void Finish(BatchJobSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string root = Path.GetFullPath(folder);
        string fingerprint = spec.Fingerprint();
        if (ReadJobFile(root)?.Fingerprint != fingerprint)
        {
            throw new InvalidOperationException($"{root} does not hold this job (no job file, or another job's); call Prepare with this spec first.");
        }

        for (int shard = 0; shard < spec.ShardCount; shard++)
        {
            if (!IsCommitted(root, spec, shard))
            {
                throw new InvalidOperationException($"Shard {shard} of the job in {root} is not committed; generate every shard before writing the dataset lists.");
            }
        }

        RemoveTemporaryFiles(root);
        WriteLists(root, spec, fingerprint);
    }

    /// <summary>Whether shard <paramref name="shard"/> is committed in <paramref name="folder"/> (its list is whole).</summary>
    public static bool IsCommitted(string folder, BatchJobSpec spec, int shard)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string list = ShardList(folder, shard);
        return File.Exists(list) && File.ReadLines(list).Count() == Faces(spec, shard).Count;
    }

    /// <summary>
    /// Generates and commits one shard: its images (each written atomically), then its list. Any process with the
    /// same model and spec writes the same bytes, so a shard generated twice is harmless.
    /// </summary>
    /// <returns>The faces generated.</returns>
    public static int GenerateShard(TextToFacePipeline pipeline, BatchJobSpec spec, string folder, int shard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(spec);
        var faces = Faces(spec, shard);
        string images = Path.Combine(folder, SynthFacesWriter.ImageFolder);
        var lines = new List<string>(faces.Count);
        foreach (var (item, index) in faces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var options = new GenerationOptions { Seed = FaceSeed(spec.Seed, item.Id, index), Truncation = spec.Truncation, Variation = spec.Variation };
            var generated = pipeline.Generate(item.Text, options);
            try
            {
                AtomicFile.WriteBytes(Path.Combine(images, ImageFileName(item.Id, index)), generated[0].ToPng());
            }
            finally
            {
                generated[0].Dispose();
            }

            lines.Add($"{ImageFileName(item.Id, index)}\t{item.Attributes?.ToString() ?? "-"}\t{OneLine(item.Text)}");
        }

        AtomicFile.WriteText(ShardList(folder, shard), w =>
        {
            foreach (string line in lines)
            {
                w.Write(line);
                w.Write('\n');
            }
        });
        return faces.Count;
    }

    // The (item, index) pairs of a shard: faces are numbered across items in order.
    private static List<(BatchItem Item, int Index)> Faces(BatchJobSpec spec, int shard)
    {
        if (shard < 0 || shard >= spec.ShardCount)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), shard, $"The job has shards 0 to {spec.ShardCount - 1}.");
        }

        long first = (long)shard * spec.ShardSize, end = Math.Min(first + spec.ShardSize, spec.TotalFaces), start = 0;
        var result = new List<(BatchItem, int)>((int)(end - first));
        foreach (var item in spec.Items)
        {
            long itemEnd = start + item.Count;
            for (long g = Math.Max(first, start); g < Math.Min(end, itemEnd); g++)
            {
                result.Add((item, (int)(g - start)));
            }

            if (itemEnd >= end)
            {
                break;
            }

            start = itemEnd;
        }

        return result;
    }

    private static string ShardList(string folder, int shard)
        => Path.Combine(folder, ShardFolder, string.Create(CultureInfo.InvariantCulture, $"{shard:D6}.tsv"));

    private static string OneLine(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    private sealed record JobFile(string Format, string Fingerprint, long Faces, int Shards, int ShardSize, long Seed, bool Complete);

    // A new folder gets the job file; a folder of the same job is resumed; any other job's folder is refused.
    private static void ClaimFolder(string root, BatchJobSpec spec, string fingerprint)
    {
        var existing = ReadJobFile(root);
        if (existing is not null)
        {
            if (existing.Fingerprint != fingerprint)
            {
                throw new InvalidOperationException($"{root} holds another batch job (fingerprint {existing.Fingerprint[..12]}..., this job {fingerprint[..12]}...); use a new output folder or the same spec.");
            }

            return;
        }

        if (Directory.EnumerateFileSystemEntries(root).Any(e => !Path.GetFileName(e).StartsWith(".t2f", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{root} is not empty and holds no batch job; use an empty or new output folder.");
        }

        WriteJobFile(root, spec, fingerprint, complete: false);
    }

    // The folder's job file, null when there is none.
    private static JobFile? ReadJobFile(string root)
    {
        string path = Path.Combine(root, JobFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var job = JsonSerializer.Deserialize<JobFile>(File.ReadAllText(path));
            return job?.Fingerprint is { Length: >= 12 } ? job : throw new JsonException("no fingerprint");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path} is not a batch job file ({e.Message}); use an empty --out folder.", e);
        }
    }

    private static void WriteJobFile(string root, BatchJobSpec spec, string fingerprint, bool complete)
        => AtomicFile.WriteText(Path.Combine(root, JobFileName), w => w.Write(JsonSerializer.Serialize(new JobFile(Format, fingerprint, spec.TotalFaces, spec.ShardCount, spec.ShardSize, spec.Seed, complete), new JsonSerializerOptions { WriteIndented = true })));

    // AtomicFile's temporaries of a run that was killed (".name.guid.tmp"); no other run can be writing (folder lock).
    private static void RemoveTemporaryFiles(string root)
    {
        foreach (string sub in new[] { SynthFacesWriter.ImageFolder, ShardFolder })
        {
            string dir = Path.Combine(root, sub);
            if (Directory.Exists(dir))
            {
                foreach (string temp in Directory.EnumerateFiles(dir, ".*.tmp"))
                {
                    File.Delete(temp);
                }
            }
        }
    }

    // The dataset lists, streamed from the committed shard lists once every shard is committed (a job of millions of
    // faces never holds its rows in memory).
    private static void WriteLists(string root, BatchJobSpec spec, string fingerprint)
    {
        IEnumerable<(string File, string Attributes, string Text)> Rows()
        {
            for (int shard = 0; shard < spec.ShardCount; shard++)
            {
                foreach (string line in File.ReadLines(ShardList(root, shard)))
                {
                    var parts = line.Split('\t', 3);
                    yield return (parts[0], parts[1], parts[2]);
                }
            }
        }

        CaptionFiles.WriteText2FaceGan(Path.Combine(root, CaptionFiles.Text2FaceGanFileName), Rows().Select(r => KeyValuePair.Create(r.File, (IReadOnlyList<string>)[r.Text])));
        CelebAPartitionFile.Write(Path.Combine(root, CelebAPartitionFile.FileName), Rows().Select((r, i) => new CelebAPartitionEntry(r.File, SynthFacesWriter.PartitionOf(i))));
        if (spec.Items.All(i => i.Attributes is not null))
        {
            CelebAAttributeFile.Write(Path.Combine(root, CelebAAttributeFile.FileName), new Counted<CelebAAttributeRow>((int)spec.TotalFaces, Rows().Select(r => new CelebAAttributeRow(r.File, AttributeSet.Parse(r.Attributes)))));
        }

        WriteJobFile(root, spec, fingerprint, complete: true);
    }

    // A sequence whose length is known in advance (the attribute list's first line is the count).
    private sealed class Counted<T>(int count, IEnumerable<T> items) : IReadOnlyCollection<T>
    {
        public int Count => count;

        public IEnumerator<T> GetEnumerator() => items.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
