using T2F.Core.Data;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Data;

/// <summary>The T2F.Datasets sample: render a SynthFaces folder, draw its contact sheet, reject bad arguments.</summary>
public class DataSampleTests
{
    [Fact]
    public void RendersAFolderAndASheet()
    {
        using var temp = new TempFolder();
        string data = Path.Combine(temp.Path, "faces");
        Assert.Equal(0, T2F.Samples.Data.Program.Main(["render", "--count", "12", "--size", "32", "--seed", "4", "--out", data]));
        Assert.Equal(12, Directory.GetFiles(Path.Combine(data, "img_align_celeba"), "*.png").Length);
        Assert.Equal(12, CelebAAttributeFile.Read(Path.Combine(data, "list_attr_celeba.txt")).Count);
        Assert.Equal(12, CaptionFiles.ReadText2FaceGan(Path.Combine(data, "caps.txt")).Count);

        string sheet = Path.Combine(temp.Path, "sheet.png");
        Assert.Equal(0, T2F.Samples.Data.Program.Main(["sheet", "--data", data, "--out", sheet, "--count", "6", "--columns", "3", "--cell", "64"]));
        T2F.Core.Data.ImageFiles.LoadRgb24(sheet, out int w, out int h);
        Assert.True(w > 3 * 64 && h > 2 * 64, $"{w}x{h}");
    }

    [Theory]
    [InlineData(2, "paint")]
    [InlineData(2, "render", "--count", "0", "--out", "x")]
    [InlineData(2, "render", "--count", "3")]
    [InlineData(2, "sheet", "--data", "x", "--colour", "red")]
    [InlineData(1, "sheet", "--data", "/nonexistent/folder", "--out", "x.png")]
    public void BadArgumentsFailWithAnExitCode(int expected, params string[] args)
        => Assert.Equal(expected, T2F.Samples.Data.Program.Main(args));
}
