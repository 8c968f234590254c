using T2F.Core.Data;
using Xunit;
using T2F.Core.Tests.TestSupport;

namespace T2F.Core.Tests.Samples;

/// <summary>samples/T2F.Batch local, with the embedded default model.</summary>
// Serial: T2F.Batch local sets libtorch's thread count, which is process-wide.
[Collection(ProcessWideStateCollection.Name)]
public class BatchSampleTests
{
    [Fact]
    public void WritesALabelledDatasetResumesAndRefusesBadInput()
    {
        string root = Directory.CreateTempSubdirectory("t2f-batch-sample").FullName;
        try
        {
            string output = Path.Combine(root, "data");
            Assert.Equal(0, T2F.Samples.Batch.Program.Main(["local", "--synthfaces", "3", "--seed", "1", "--shard-size", "2", "--out", output]));
            var dataset = FaceImageDataset.Open(output, new FaceDatasetOptions { Resolution = 64 });
            Assert.Equal(3, dataset.Count);
            var before = File.GetLastWriteTimeUtc(Path.Combine(output, "shards", "000000.tsv"));
            Assert.Equal(0, T2F.Samples.Batch.Program.Main(["local", "--synthfaces", "3", "--seed", "1", "--shard-size", "2", "--out", output]));
            Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(output, "shards", "000000.tsv")));

            // Usage errors exit 2 before loading anything; another job in the same folder exits 1.
            Assert.Equal(2, T2F.Samples.Batch.Program.Main(["local", "--out", output]));
            Assert.Equal(2, T2F.Samples.Batch.Program.Main(["local", "--synthfaces", "0", "--out", output]));
            Assert.Equal(2, T2F.Samples.Batch.Program.Main(["local", "--spec", Path.Combine(root, "missing.jsonl"), "--out", output]));
            Assert.Equal(2, T2F.Samples.Batch.Program.Main(["local", "--synthfaces", "2", "--variation", "x", "--out", output]));
            Assert.Equal(2, T2F.Samples.Batch.Program.Main(["distributed", "--synthfaces", "2", "--out", output]));
            Assert.Equal(1, T2F.Samples.Batch.Program.Main(["local", "--synthfaces", "3", "--seed", "2", "--out", output]));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
