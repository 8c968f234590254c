using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using Xunit;
using A = T2F.Core.Data.CelebAAttribute;

namespace T2F.Core.Tests.Data.SynthFaces;

/// <summary>
/// Toggling a local attribute on a centred face changes pixels where it belongs and nowhere far from there.
/// Regions are in the renderer's 256-unit canvas (a centred face: eyes near y 110, mouth near y 158, chin near y 176).
/// </summary>
public class SynthFacesVisibilityTests
{
    private const int Size = 128;

    public static TheoryData<string, string, int, int, int, int, int, int> Cases => new()
    {
        // attribute, base attributes, changed region (x0, y0, x1, y1) that must see changes, far band (y0, y1) that must not
        { "Eyeglasses", "Young", 60, 90, 196, 126, 135, 256 },
        { "Smiling", "Young", 100, 135, 156, 180, 0, 120 },
        { "Mouth_Slightly_Open", "Young", 110, 150, 146, 170, 0, 128 },
        { "Wearing_Lipstick", "Young", 110, 145, 146, 172, 0, 130 },
        { "Wearing_Hat", "Young Male Brown_Hair", 70, 20, 186, 80, 115, 256 },
        { "Bangs", "Young Brown_Hair Straight_Hair", 90, 70, 166, 92, 112, 256 },
        { "Blond_Hair", "Young Male Straight_Hair", 80, 40, 176, 70, 120, 190 },
        { "Gray_Hair", "Male Straight_Hair", 80, 40, 176, 70, 120, 190 },
        { "Bald", "Male Young Brown_Hair Straight_Hair", 90, 40, 166, 70, 120, 256 },
        { "Receding_Hairline", "Male Young Brown_Hair", 100, 45, 156, 72, 100, 256 },
        { "Mustache", "Male Young Black_Hair", 110, 140, 146, 156, 0, 125 },
        { "Goatee", "Male Young Black_Hair", 115, 165, 141, 180, 0, 135 },
        { "5_o_Clock_Shadow", "Male Young Black_Hair", 90, 150, 166, 175, 0, 120 },
        { "Sideburns", "Male Young Black_Hair", 70, 95, 100, 130, 150, 256 },
        { "Narrow_Eyes", "Young", 100, 104, 156, 116, 125, 256 },
        { "Bags_Under_Eyes", "Young", 100, 112, 156, 124, 0, 95 },
        { "Bushy_Eyebrows", "Young Male", 100, 90, 156, 102, 112, 256 },
        { "Arched_Eyebrows", "Young", 100, 85, 156, 100, 108, 256 },
        { "Heavy_Makeup", "Young", 95, 96, 161, 112, 125, 256 },
        { "Rosy_Cheeks", "Young", 85, 120, 171, 145, 0, 100 },
        { "High_Cheekbones", "Young", 85, 115, 171, 145, 0, 100 },
        { "Big_Nose", "Young", 110, 125, 146, 145, 0, 100 },
        { "Pointy_Nose", "Young", 120, 136, 136, 150, 0, 100 },
        { "Big_Lips", "Young", 110, 145, 146, 172, 0, 130 },
        { "Wearing_Earrings", "Young", 72, 118, 94, 150, 0, 100 },
        { "Wearing_Necklace", "Young", 100, 200, 156, 240, 0, 185 },
        { "Wearing_Necktie", "Young Male", 115, 210, 141, 256, 0, 190 },
        { "Double_Chin", "Young", 100, 176, 156, 196, 0, 150 },
        { "Young", "Brown_Hair", 90, 70, 166, 170, 200, 256 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToggleChangesItsRegionOnly(string attribute, string baseAttributes, int x0, int y0, int x1, int y1, int farY0, int farY1)
    {
        var toggled = CelebAAttributes.Parse(attribute);
        var baseSet = AttributeSet.Parse(baseAttributes);
        // "Young" is tested by removing it; every other attribute by adding it.
        var without = Face(toggled == A.Young ? baseSet.With(A.Young) : baseSet);
        var with = Face(toggled == A.Young ? baseSet : baseSet.With(toggled));
        var a = SynthFaceRenderer.RenderRgb24(without, Size);
        var b = SynthFaceRenderer.RenderRgb24(with, Size);

        int inside = 0, far = 0;
        string? firstFar = null;
        float k = Size / 256f;
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                int i = ((y * Size) + x) * 3;
                int d = Math.Max(Math.Abs(a[i] - b[i]), Math.Max(Math.Abs(a[i + 1] - b[i + 1]), Math.Abs(a[i + 2] - b[i + 2])));
                if (d < 12)
                {
                    continue;
                }

                float ux = x / k, uy = y / k;
                if (ux >= x0 && ux < x1 && uy >= y0 && uy < y1)
                {
                    inside++;
                }

                if (d >= 2 && uy >= farY0 && uy < farY1)
                {
                    far++;
                    firstFar ??= $"({ux:F0}, {uy:F0})";
                }
            }
        }

        int area = (int)((x1 - x0) * (y1 - y0) * k * k);
        Assert.True(inside >= Math.Max(6, area / 12), $"{attribute}: only {inside} pixels changed in its region ({x0},{y0})-({x1},{y1}) of {area}.");
        Assert.True(far == 0, $"{attribute}: {far} pixels changed far away (y {farY0}..{farY1}), first at {firstFar}.");
    }

    private static SynthFace Face(AttributeSet attributes) => new()
    {
        Attributes = attributes.With(A.NoBeard, !attributes[A.Goatee] && !attributes[A.Mustache] && !attributes[A.FiveOClockShadow]),
        HairLength = attributes[A.Male] ? 0f : 0.6f,
        LightStrength = 0.5f,
    };
}
