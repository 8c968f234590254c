using T2F.Core.Batch;
using T2F.Core.Data;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Batch;

public class BatchGeneratorTests
{
    private static Dictionary<string, byte[]> Files(string folder)
        => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith(".t2f", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    [Fact]
    public void ALabelledJobWritesACelebALayoutDatasetThatTheReadersRead()
    {
        using var folder = new TempFolder();
        using var pipeline = TinyPipeline.Create();
        var spec = BatchJobSpec.SampleSynthFaces(5, seed: 3, facesPerDescription: 2) with { ShardSize = 4 };
        var result = BatchGenerator.Run(pipeline, spec, folder.Path);
        Assert.Equal((10L, 3, 0), (result.Faces, result.ShardsWritten, result.ShardsSkipped));

        var dataset = FaceImageDataset.Open(folder.Path, new FaceDatasetOptions { Resolution = 16 });
        Assert.Equal(10, dataset.Count);
        var first = dataset[0];
        Assert.Equal(spec.Items[0].Attributes, first.Attributes);
        Assert.Equal(spec.Items[0].Text, Assert.Single(first.Captions));
        Assert.Contains("\"Complete\": true", File.ReadAllText(Path.Combine(folder.Path, BatchGenerator.JobFileName)));
    }

    [Fact]
    public void EveryFaceIsAPureFunctionOfSeedIdAndIndexWhateverTheShardingAndInterruptions()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        using var pipeline = TinyPipeline.Create();
        var items = new[] { new BatchItem("woman", "The woman has wavy hair.", 3), new BatchItem("man", "The man has a beard.", 4) };
        var spec = new BatchJobSpec { Items = items, Seed = 9, ShardSize = 2 };
        BatchGenerator.Run(pipeline, spec, a.Path);

        // The same job in shards of 3, cancelled after its first shard and resumed: the same image bytes.
        using var cancel = new CancellationTokenSource();
        var resharded = spec with { ShardSize = 3 };
        Assert.ThrowsAny<OperationCanceledException>(() => BatchGenerator.Run(pipeline, resharded, b.Path, new Progress(_ => cancel.Cancel()), cancel.Token));
        var resumed = BatchGenerator.Run(pipeline, resharded, b.Path);
        Assert.True(resumed.ShardsSkipped >= 1 && resumed.ShardsWritten >= 1, $"resumed run: {resumed}");
        var imagesA = Files(a.Path).Where(p => p.Key.EndsWith(".png", StringComparison.Ordinal)).ToDictionary();
        var imagesB = Files(b.Path).Where(p => p.Key.EndsWith(".png", StringComparison.Ordinal)).ToDictionary();
        Assert.Equal(7, imagesA.Count);
        Assert.Equal(imagesA.Keys.Order(), imagesB.Keys.Order());
        Assert.All(imagesA, p => Assert.Equal(p.Value, imagesB[p.Key]));
        Assert.NotEqual(imagesA["img_align_celeba/woman_00000.png"], imagesA["img_align_celeba/woman_00001.png"]);

        // A finished job run again does nothing.
        var again = BatchGenerator.Run(pipeline, spec, a.Path);
        Assert.Equal((0, 4), (again.ShardsWritten, again.ShardsSkipped));
    }

    [Fact]
    public void AKilledRunsLeftoversAreCleanedAndAnotherJobsFolderIsRefused()
    {
        using var folder = new TempFolder();
        using var pipeline = TinyPipeline.Create();
        var spec = new BatchJobSpec { Items = [new BatchItem("x", "A face.", 2)], ShardSize = 1 };
        BatchGenerator.Run(pipeline, spec, folder.Path);

        // A temporary file and a torn (uncommitted) shard list, as a kill -9 mid-write would leave them.
        string images = Path.Combine(folder.Path, "img_align_celeba");
        File.WriteAllText(Path.Combine(images, ".x_00001.png.0123.tmp"), "partial");
        File.WriteAllText(Path.Combine(folder.Path, "shards", "000001.tsv"), string.Empty);
        var rerun = BatchGenerator.Run(pipeline, spec, folder.Path);
        Assert.Equal((1, 1), (rerun.ShardsWritten, rerun.ShardsSkipped));
        Assert.Empty(Directory.GetFiles(images, ".*.tmp"));

        var other = spec with { Seed = 1 };
        var refused = Assert.Throws<InvalidOperationException>(() => BatchGenerator.Run(pipeline, other, folder.Path));
        Assert.Contains("holds another batch job", refused.Message);
    }

    [Fact]
    public void ShardsGeneratedOutOfOrderThenFinishedAreTheBytesOfRun()
    {
        using var run = new TempFolder();
        using var parts = new TempFolder();
        using var pipeline = TinyPipeline.Create();
        var spec = BatchJobSpec.SampleSynthFaces(5, seed: 4) with { ShardSize = 2 };
        BatchGenerator.Run(pipeline, spec, run.Path);

        // What a cluster does: claim the folder, shards in any order (one twice, one killed mid-write), then Finish.
        BatchGenerator.Prepare(spec, parts.Path);
        Assert.False(BatchGenerator.IsFinished(spec, parts.Path));
        foreach (int shard in new[] { 2, 0, 2 })
        {
            BatchGenerator.GenerateShard(pipeline, spec, parts.Path, shard);
        }

        var refused = Assert.Throws<InvalidOperationException>(() => BatchGenerator.Finish(spec, parts.Path));
        Assert.Contains("Shard 1", refused.Message);
        File.WriteAllText(Path.Combine(parts.Path, "img_align_celeba", ".s0000002_00000.png.0123.tmp"), "partial");
        BatchGenerator.GenerateShard(pipeline, spec, parts.Path, 1);
        BatchGenerator.Finish(spec, parts.Path);
        Assert.True(BatchGenerator.IsFinished(spec, parts.Path));
        var expected = Files(run.Path);
        var actual = Files(parts.Path);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, p => Assert.Equal(p.Value, actual[p.Key]));

        // Three shards at once: the same bytes, the same progress count at the end.
        using var parallel = new TempFolder();
        var reports = new List<BatchProgress>();
        var result = BatchGenerator.Run(pipeline, spec, parallel.Path, parallelShards: 3, new Progress(reports.Add));
        Assert.Equal((3, 0), (result.ShardsWritten, result.ShardsSkipped));
        Assert.Equal([1, 2, 3], reports.Select(r => r.ShardsDone));
        Assert.Equal(5, reports[^1].FacesGenerated);
        var fromParallel = Files(parallel.Path);
        Assert.All(expected, p => Assert.Equal(p.Value, fromParallel[p.Key]));

        // Prepare again (a second submission) changes nothing; another job's spec is refused by every step.
        BatchGenerator.Prepare(spec, parts.Path);
        Assert.True(BatchGenerator.IsFinished(spec, parts.Path));
        var other = spec with { Seed = 5 };
        Assert.Throws<InvalidOperationException>(() => BatchGenerator.Prepare(other, parts.Path));
        Assert.Throws<InvalidOperationException>(() => BatchGenerator.IsFinished(other, parts.Path));
        Assert.Throws<InvalidOperationException>(() => BatchGenerator.Finish(other, parts.Path));
    }

    [Fact]
    public void BadSpecsAndJsonlLinesGiveOneLineErrors()
    {
        using var folder = new TempFolder();
        string jsonl = Path.Combine(folder.Path, "job.jsonl");
        File.WriteAllLines(jsonl, ["{\"id\": \"a\", \"text\": \"A woman.\", \"count\": 2}", string.Empty, "{\"id\": \"b\", \"text\": \"A man.\", \"attributes\": \"Male Goatee\"}"]);
        var spec = BatchJobSpec.ReadJsonl(jsonl, seed: 4);
        Assert.Equal(3, spec.TotalFaces);
        Assert.Equal(AttributeSet.Parse("Male Goatee"), spec.Items[1].Attributes);

        File.WriteAllLines(jsonl, ["{\"id\": \"a\", \"text\": \"A woman.\"}", "{\"id\": \"b\", \"count\": 2}"]);
        var missing = Assert.Throws<FormatException>(() => BatchJobSpec.ReadJsonl(jsonl));
        Assert.StartsWith($"{jsonl}:2: expected", missing.Message);

        Assert.Throws<ArgumentException>(() => new BatchJobSpec { Items = [new BatchItem("a", "x", 1), new BatchItem("a", "y", 1)] }.Validate());
        Assert.Throws<ArgumentException>(() => new BatchJobSpec { Items = [new BatchItem("../a", "x", 1)] }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchJobSpec { Items = [new BatchItem("a", "x", 0)] }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchJobSpec { Items = Enumerable.Range(0, 101).Select(i => new BatchItem($"i{i}", "x", 100_000)).ToList() }.Validate());
    }

    private sealed class Progress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
