using T2F.Core.Batch;
using Xunit;

namespace T2F.Orleans.Tests;

/// <summary>Checks on a batch job's output folder.</summary>
internal static class DatasetAssert
{
    // The single-process run's folder lock (an empty file); a cluster takes no such lock.
    private const string RunLock = ".t2f-run.lock";

    private static readonly byte[] PngEnd = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    /// <summary>Both folders hold the same files with the same bytes.</summary>
    public static void SameFiles(string expected, string actual)
    {
        var names = Files(expected);
        Assert.Equal(names, Files(actual));
        foreach (string name in names)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name))), $"{name} differs");
        }
    }

    /// <summary>
    /// The job is finished: every shard's list is whole and there is one list per shard, every face's PNG is whole,
    /// no temporary file is left and the dataset lists are written.
    /// </summary>
    public static void Complete(BatchJobSpec spec, string folder)
    {
        Assert.True(BatchGenerator.IsFinished(spec, folder));
        var lists = Directory.GetFiles(Path.Combine(folder, BatchGenerator.ShardFolder));
        Assert.Equal(spec.ShardCount, lists.Length);
        for (int shard = 0; shard < spec.ShardCount; shard++)
        {
            Assert.True(BatchGenerator.IsCommitted(folder, spec, shard), $"shard {shard} is not committed");
        }

        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
        var images = Directory.GetFiles(Path.Combine(folder, "img_align_celeba"));
        Assert.Equal(spec.TotalFaces, images.Length);
        Assert.All(images, image => Assert.True(File.ReadAllBytes(image).AsSpan().EndsWith(PngEnd), $"{image} is not a whole PNG"));
        Assert.Equal(spec.TotalFaces, File.ReadLines(Path.Combine(folder, "list_eval_partition.txt")).Count());
    }

    /// <summary>Every file's path, size and write time, to show that nothing was written.</summary>
    public static string[] Stamps(string folder)
        => [.. Files(folder).Select(f => $"{f} {new FileInfo(Path.Combine(folder, f)).Length} {File.GetLastWriteTimeUtc(Path.Combine(folder, f)).Ticks}")];

    private static string[] Files(string folder)
        => [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Where(f => f != RunLock).Order(StringComparer.Ordinal)];
}
