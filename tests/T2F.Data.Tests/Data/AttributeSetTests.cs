using T2F.Core.Data;
using Xunit;

namespace T2F.Core.Tests.Data;

public class AttributeSetTests
{
    [Fact]
    public void NamesAreCelebAsOfficialColumnsInOrder()
    {
        const string header = "5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose Black_Hair Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses Goatee Gray_Hair Heavy_Makeup High_Cheekbones Male Mouth_Slightly_Open Mustache Narrow_Eyes No_Beard Oval_Face Pale_Skin Pointy_Nose Receding_Hairline Rosy_Cheeks Sideburns Smiling Straight_Hair Wavy_Hair Wearing_Earrings Wearing_Hat Wearing_Lipstick Wearing_Necklace Wearing_Necktie Young";
        Assert.Equal(header.Split(' '), CelebAAttributes.Names);
        for (int i = 0; i < CelebAAttributes.Count; i++)
        {
            var a = (CelebAAttribute)i;
            Assert.Equal(a, CelebAAttributes.Parse(CelebAAttributes.Name(a)));
            Assert.Equal(CelebAAttributes.Names[i].Replace("_", string.Empty).Replace("5oClock", "FiveOClock"), a.ToString());
        }
    }

    [Fact]
    public void SetOperationsAndConversions()
    {
        var s = AttributeSet.Of(CelebAAttribute.Male, CelebAAttribute.Smiling, CelebAAttribute.Male);
        Assert.Equal(2, s.Count);
        Assert.True(s[CelebAAttribute.Smiling]);
        Assert.False(s.Contains(CelebAAttribute.Young));
        Assert.Equal("Male Smiling", s.ToString());
        Assert.Equal(s, AttributeSet.Parse("Smiling, Male"));
        Assert.Equal(s.With(CelebAAttribute.Young), AttributeSet.Parse("Male|Smiling|Young"));
        Assert.Equal(AttributeSet.Of(CelebAAttribute.Male), s.Without(CelebAAttribute.Smiling));
        Assert.Equal(s, AttributeSet.FromSigns(s.ToSigns()));
        Assert.Equal(40, AttributeSet.All.Count);
        Assert.True(AttributeSet.Empty.IsEmpty);
        Assert.Equal(s, AttributeSet.FromBits(s.Bits));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttributeSet.FromBits(1UL << 40));
        var e = Assert.Throws<ArgumentException>(() => AttributeSet.Parse("Male Blonde_Hair"));
        Assert.Contains("Blonde_Hair", e.Message);
        var row = new float[40];
        s.CopyTo(row);
        Assert.Equal(2f, row.Sum());
        Assert.Equal(1f, row[(int)CelebAAttribute.Male]);
    }
}
