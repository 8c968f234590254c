using System.Security.Cryptography;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.Tests.TestSupport;
using Xunit;
using A = T2F.Core.Data.CelebAAttribute;

namespace T2F.Core.Tests.Data.SynthFaces;

public class SynthFacesTests
{
    [Fact]
    public void SameSeedGivesTheSameBytesWhateverTheThreadCount()
    {
        using var one = new TempFolder();
        using var three = new TempFolder();
        using var again = new TempFolder();
        var options = new SynthFacesOptions { Count = 48, Size = 48, Seed = 12, CaptionsPerImage = 3 };
        SynthFacesWriter.Write(one.Path, options with { Threads = 1 });
        SynthFacesWriter.Write(three.Path, options with { Threads = 3 });
        SynthFacesWriter.Write(again.Path, options with { Threads = 2 });
        var files = Directory.GetFiles(one.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(one.Path, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(48 + 4, files.Length);
        foreach (var f in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(one.Path, f));
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(three.Path, f))), $"{f} differs between 1 and 3 threads");
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again.Path, f))), $"{f} differs between runs");
        }

        // A slice of a larger set is the same faces.
        using var slice = new TempFolder();
        SynthFacesWriter.Write(slice.Path, options with { Count = 4, FirstIndex = 10 });
        Assert.Equal(File.ReadAllBytes(Path.Combine(one.Path, "img_align_celeba", "000011.png")), File.ReadAllBytes(Path.Combine(slice.Path, "img_align_celeba", "000011.png")));

        // Other seeds give other faces.
        Assert.NotEqual(SynthFaceSampler.Sample(12, 0), SynthFaceSampler.Sample(13, 0));
        Assert.NotEqual(SynthFaceSampler.Sample(12, 0), SynthFaceSampler.Sample(12, 1));
    }

    [Fact]
    public void LabelsAndCaptionsArePinnedAcrossVersions()
    {
        // Attribute sampling and captions are plain C# (SplitMix64): pinned, so a change is noticed (bump SynthFaceSampler.Version).
        using var temp = new TempFolder();
        SynthFacesWriter.Write(temp.Path, new SynthFacesOptions { Count = 200, Size = 16, Seed = 0, CaptionsPerImage = 2 });
        string attrs = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(temp.Path, "list_attr_celeba.txt"))))[..16];
        string caps = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(temp.Path, "caps.txt"))))[..16];
        Assert.Equal(("6A9CD5A225709519", "43E165F4E7BF8395"), (attrs, caps));
    }

    [Fact]
    public void AttributesHavePlausibleJointStatistics()
    {
        var faces = Enumerable.Range(0, 6000).Select(i => SynthFaceSampler.Sample(3, i).Attributes).ToArray();
        double P(Func<AttributeSet, bool> what, Func<AttributeSet, bool> given)
        {
            var g = faces.Where(given).ToArray();
            return g.Count(what) / (double)g.Length;
        }

        Assert.All(faces, a => Assert.True(a.Intersect(SynthFaceSampler.RenderableAttributes) == a));
        Assert.All(faces, a => Assert.Equal(!a[A.Goatee] && !a[A.Mustache] && !a[A.FiveOClockShadow], a[A.NoBeard]));
        Assert.All(faces, a => Assert.False(a[A.Bald] && (a[A.WearingHat] || a[A.Bangs] || a[A.RecedingHairline])));
        Assert.All(faces, a => Assert.True(a.Intersect(AttributeSet.Parse("Black_Hair Blond_Hair Brown_Hair Gray_Hair")).Count <= 1));
        Assert.All(faces, a => Assert.False(a[A.StraightHair] && a[A.WavyHair]));
        Assert.InRange(P(a => a[A.Male], _ => true), 0.40, 0.50);
        Assert.Equal(0, P(a => !a[A.NoBeard] || a[A.Bald], a => !a[A.Male]));
        Assert.Equal(0, P(a => a[A.HeavyMakeup] || a[A.WearingLipstick], a => a[A.Male]));
        Assert.True(P(a => a[A.GrayHair], a => !a[A.Young]) > 10 * P(a => a[A.GrayHair], a => a[A.Young]));
        Assert.True(P(a => a[A.BagsUnderEyes], a => !a[A.Young]) > 2 * P(a => a[A.BagsUnderEyes], a => a[A.Young]));
        Assert.True(P(a => a[A.HighCheekbones], a => a[A.Smiling]) > 2 * P(a => a[A.HighCheekbones], a => !a[A.Smiling]));
        Assert.True(P(a => a[A.WearingLipstick], a => a[A.HeavyMakeup]) > 0.9);
        Assert.True(P(a => a[A.WearingEarrings], a => !a[A.Male]) > 5 * P(a => a[A.WearingEarrings], a => a[A.Male]));
        foreach (var attribute in SynthFaceSampler.RenderableAttributes)
        {
            Assert.InRange(P(a => a[attribute], _ => true), 0.02, 0.98);
        }
    }

    [Fact]
    public void CaptionsDescribeOnlyWhatIsDrawn()
    {
        for (int i = 0; i < 300; i++)
        {
            var face = SynthFaceSampler.Sample(9, i);
            foreach (var caption in SynthFacesWriter.Describe(face, 3, 9, i))
            {
                Assert.DoesNotContain("attractive", caption, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("blurry", caption, StringComparison.OrdinalIgnoreCase);
                Assert.Matches(face.Attributes[A.Male] ? @"\b(He|man|gentleman)\b" : @"\b(She|woman|lady)\b", caption);
            }
        }
    }

    [Theory]
    [InlineData(32)]
    [InlineData(1024)]
    public void RendersAnySizeWithoutArtifacts(int size)
    {
        var face = SynthFaceSampler.Sample(1, 7);
        var rgb = SynthFaceRenderer.RenderRgb24(face, size);
        Assert.Equal(size * size * 3, rgb.Length);
        Assert.True(rgb.Distinct().Count() > 50);
        Assert.Throws<ArgumentOutOfRangeException>(() => SynthFaceRenderer.RenderRgb24(face, 8));
    }
}
