using T2F.Core.Data;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Data;

public class CelebAFileTests
{
    // The first two rows of CelebA's list_attr_celeba.txt, verbatim (the header ends with a space).
    private const string CelebAHead = "2\n"
        + "5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose Black_Hair Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses Goatee Gray_Hair Heavy_Makeup High_Cheekbones Male Mouth_Slightly_Open Mustache Narrow_Eyes No_Beard Oval_Face Pale_Skin Pointy_Nose Receding_Hairline Rosy_Cheeks Sideburns Smiling Straight_Hair Wavy_Hair Wearing_Earrings Wearing_Hat Wearing_Lipstick Wearing_Necklace Wearing_Necktie Young \n"
        + "000001.jpg -1  1  1 -1 -1 -1 -1 -1 -1 -1 -1  1 -1 -1 -1 -1 -1 -1  1  1 -1  1 -1 -1  1 -1 -1  1 -1 -1 -1  1  1 -1  1 -1  1 -1 -1  1\n"
        + "000002.jpg -1 -1 -1  1 -1 -1 -1  1 -1 -1 -1  1 -1 -1 -1 -1 -1 -1 -1  1 -1  1 -1 -1  1 -1 -1 -1 -1 -1 -1  1 -1 -1 -1 -1 -1 -1 -1  1\n";

    [Fact]
    public void ParsesCelebAsOwnRowsAndFormatsThemBackByteForByte()
    {
        var rows = CelebAAttributeFile.Parse(new StringReader(CelebAHead));
        Assert.Equal(2, rows.Count);
        Assert.Equal("000001.jpg", rows[0].FileName);
        Assert.Equal(
            "Arched_Eyebrows Attractive Brown_Hair Heavy_Makeup High_Cheekbones Mouth_Slightly_Open No_Beard Pointy_Nose Smiling Straight_Hair Wearing_Earrings Wearing_Lipstick Young",
            rows[0].Attributes.ToString());
        var writer = new StringWriter();
        CelebAAttributeFile.Format(writer, rows.ToList());
        Assert.Equal(CelebAHead, writer.ToString());
    }

    [Fact]
    public void RoundTripsRandomRowsThroughAFile()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(1, 200)
            .Select(i => new CelebAAttributeRow($"{i:D6}.jpg", AttributeSet.FromBits((ulong)random.NextInt64(1L << 40))))
            .Append(new CelebAAttributeRow("none.png", AttributeSet.Empty))
            .Append(new CelebAAttributeRow("all.png", AttributeSet.All))
            .ToList();
        using var temp = new TempFolder();
        string path = temp.File("sub/list_attr_celeba.txt");
        CelebAAttributeFile.Write(path, rows);
        Assert.Equal(rows, CelebAAttributeFile.Read(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void ReadsSubsetsReorderedColumnsAndKaggleCsv()
    {
        var rows = CelebAAttributeFile.Parse(new StringReader("2\nYoung Male\na.jpg 1 -1\nb.jpg -1 1\n"));
        Assert.Equal(AttributeSet.Of(CelebAAttribute.Young), rows[0].Attributes);
        Assert.Equal(AttributeSet.Of(CelebAAttribute.Male), rows[1].Attributes);
        var csv = CelebAAttributeFile.Parse(new StringReader("image_id,Smiling,Eyeglasses\r\n000001.jpg,1,-1\r\n000002.jpg,-1,1\r\n"));
        Assert.Equal(AttributeSet.Of(CelebAAttribute.Smiling), csv[0].Attributes);
        Assert.Equal(AttributeSet.Of(CelebAAttribute.Eyeglasses), csv[1].Attributes);
    }

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("two\nMale\n", 1, "number of images")]
    [InlineData("1\nMale Blonde_Hair\na.jpg 1 1\n", 2, "Blonde_Hair")]
    [InlineData("1\nMale Male\na.jpg 1 1\n", 2, "twice")]
    [InlineData("2\nMale Young\na.jpg 1 1\nb.jpg 1\n", 4, "found 2 fields")]
    [InlineData("2\nMale Young\na.jpg 1 1\n\nb.jpg 1 yes\n", 5, "'yes'")]
    [InlineData("2\nMale Young\na.jpg 1 1\na.jpg 1 -1\n", 4, "listed twice")]
    [InlineData("3\nMale Young\na.jpg 1 1\nb.jpg 1 -1\n", 1, "says 3 images")]
    public void MalformedAttributeFilesNameTheLine(string text, int line, string fragment)
    {
        var e = Assert.Throws<DataFormatException>(() => CelebAAttributeFile.Parse(new StringReader(text), "attrs.txt"));
        Assert.Equal(line, e.LineNumber);
        Assert.Equal("attrs.txt", e.FilePath);
        Assert.StartsWith(line > 0 ? $"attrs.txt:{line}: " : "attrs.txt: ", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void PartitionFileRoundTripsAndNamesBadLines()
    {
        var entries = new[]
        {
            new CelebAPartitionEntry("000001.jpg", CelebAPartition.Train),
            new CelebAPartitionEntry("162771.jpg", CelebAPartition.Validation),
            new CelebAPartitionEntry("182638.jpg", CelebAPartition.Test),
        };
        using var temp = new TempFolder();
        string path = temp.File(CelebAPartitionFile.FileName);
        CelebAPartitionFile.Write(path, entries);
        Assert.Equal("000001.jpg 0\n162771.jpg 1\n182638.jpg 2\n", File.ReadAllText(path));
        Assert.Equal(entries, CelebAPartitionFile.Read(path));
        Assert.Equal(entries, CelebAPartitionFile.Parse(new StringReader("image_id,partition\n000001.jpg,0\n162771.jpg,1\n182638.jpg,2\n")));
        var e = Assert.Throws<DataFormatException>(() => CelebAPartitionFile.Parse(new StringReader("a.jpg 0\nb.jpg 3\n"), "p.txt"));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("p.txt:2:", e.Message);
        e = Assert.Throws<DataFormatException>(() => CelebAPartitionFile.Parse(new StringReader("a.jpg 0\n\nb.jpg\n"), "p.txt"));
        Assert.Equal(3, e.LineNumber);
    }

    [Fact]
    public void CaptionFormatsReadAndWrite()
    {
        using var temp = new TempFolder();
        string caps = temp.File("caps.txt");
        var captions = new Dictionary<string, IReadOnlyList<string>>
        {
            ["000001.jpg"] = new[] { "The woman is smiling.", "She wears earrings. She has wavy hair." },
            ["000002.jpg"] = new[] { "The man has a goatee." },
        };
        CaptionFiles.WriteText2FaceGan(caps, captions);
        Assert.Equal("000001.jpg\tThe woman is smiling.|She wears earrings. She has wavy hair.\n000002.jpg\tThe man has a goatee.\n", File.ReadAllText(caps));
        var back = CaptionFiles.ReadText2FaceGan(caps);
        Assert.Equal(captions["000001.jpg"], back["000001"]);
        Assert.Equal(captions["000002.jpg"], back["000002"]);
        var e = Assert.Throws<DataFormatException>(() => CaptionFiles.ParseText2FaceGan(new StringReader("a.jpg\tx.\nb.jpg x.\n"), "caps.txt"));
        Assert.Equal(2, e.LineNumber);

        string folder = Path.Combine(temp.Path, "celeba-caption");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "0.txt"), "the woman has blond hair.\nshe is young.\n\n");
        File.WriteAllText(Path.Combine(folder, "1.txt"), "this man wears a hat.\n");
        var mm = CaptionFiles.ReadTextFolder(folder);
        Assert.Equal(new[] { "the woman has blond hair.", "she is young." }, mm["0"]);
        Assert.Equal(new[] { "this man wears a hat." }, mm["1"]);
    }
}
