using T2F.Core.Data;
using T2F.Core.Imaging;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Samples;

/// <summary>The day-one sample: renders PNGs from a reference checkpoint and rejects bad arguments.</summary>
[Trait("Category", "Golden")]
public class StyleGan2SampleTests
{
    [Fact]
    public void RendersTheRequestedNumberOfPngs()
    {
        var golden = StyleGan2Golden.Instance;
        string dir = Directory.CreateTempSubdirectory("t2f-sample").FullName;
        try
        {
            int rc = T2F.Samples.StyleGan2.Program.Main(new[]
            {
                "--checkpoint", Path.Combine(golden.Folder, "checkpoint.pt"), "--count", "3", "--seed", "10",
                "--truncation", "0.7", "--batch", "2", "--out", dir,
            });
            Assert.Equal(0, rc);
            var files = Directory.GetFiles(dir, "*.png").Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "seed000010.png", "seed000011.png", "seed000012.png" }, files);
            ImageFiles.LoadRgb24(Path.Combine(dir, files[0]!), out int w, out int h);
            Assert.Equal((golden.Size, golden.Size), (w, h));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ARerunReplacesTheEarlierRunsImagesAndARunningOneHoldsTheFolder()
    {
        var golden = StyleGan2Golden.Instance;
        string dir = Directory.CreateTempSubdirectory("t2f-sample").FullName;
        try
        {
            string[] Args(int count, int seed) => new[] { "--checkpoint", Path.Combine(golden.Folder, "checkpoint.pt"), "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", dir };
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "the user's own file");
            Assert.Equal(0, T2F.Samples.StyleGan2.Program.Main(Args(3, 0)));
            Assert.Equal(0, T2F.Samples.StyleGan2.Program.Main(Args(1, 50)));
            var files = Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "notes.txt", "seed000050.png" }, files);

            // Another run writing there: refused with exit 1, nothing of it touched.
            using (new FileStream(Path.Combine(dir, ".t2f-output.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                Assert.Equal(1, T2F.Samples.StyleGan2.Program.Main(Args(2, 7)));
            }

            Assert.True(File.Exists(Path.Combine(dir, "seed000050.png")));
            Assert.False(File.Exists(Path.Combine(dir, "seed000007.png")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AnOutputFolderThatIsAFileFailsBeforeRendering()
    {
        var golden = StyleGan2Golden.Instance;
        string file = Path.GetTempFileName();
        try
        {
            int rc = T2F.Samples.StyleGan2.Program.Main(new[] { "--checkpoint", Path.Combine(golden.Folder, "checkpoint.pt"), "--count", "1", "--out", file });
            Assert.Equal(1, rc);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(2, "--count", "3")]
    [InlineData(2, "--checkpoint", "x.pt", "--truncation", "1.5")]
    [InlineData(2, "--checkpoint", "x.pt", "--noise", "sometimes")]
    [InlineData(1, "--checkpoint", "/nonexistent/file.pt")]
    [InlineData(2, "--checkpoint", "x.pt", "--seed", "abc")]
    [InlineData(2, "--checkpoint", "x.pt", "--seed", "1e20")]
    [InlineData(2, "--checkpoint", "x.pt", "--seed", "9223372036854775800")]
    [InlineData(2, "--checkpoint", "x.pt", "--truncation", "abc")]
    public void BadArgumentsFailWithAnExitCode(int expected, params string[] args)
        => Assert.Equal(expected, T2F.Samples.StyleGan2.Program.Main(args));
}
