using SkiaSharp;
using A = T2F.Core.Data.CelebAAttribute;

namespace T2F.Core.Data.SynthFaces;

/// <summary>
/// Draws SynthFaces: attributes with plausible joint statistics (facial hair, neckties and baldness on men; makeup,
/// lipstick and jewellery mostly on women; grey hair, wrinkles and bags under the eyes mostly on older faces;
/// high cheekbones with smiles, ...) and nuisance variables that no attribute names. Face <c>index</c> of
/// <c>seed</c> is the same on every run, platform and thread count.
/// </summary>
public static class SynthFaceSampler
{
    /// <summary>Version of the sampler and renderer; changes whenever the same (seed, index) would give another image.</summary>
    public const int Version = 1;

    private static readonly SKColor[] EyeColors =
    [
        new(0x4a, 0x2c, 0x18), new(0x6b, 0x40, 0x22), new(0x7a, 0x5a, 0x2a), new(0x3c, 0x78, 0x50),
        new(0x3a, 0x6e, 0xb0), new(0x70, 0x80, 0x90),
    ];

    private static readonly SKColor[] LipstickColors =
    [
        new(0xc8, 0x10, 0x30), new(0xd8, 0x38, 0x70), new(0x90, 0x10, 0x38), new(0xe0, 0x48, 0x50), new(0xb0, 0x20, 0x60),
    ];

    private static readonly SKColor[] FrameColors =
    [
        new(0x18, 0x18, 0x18), new(0x4a, 0x2a, 0x18), new(0xc8, 0xa0, 0x40), new(0x20, 0x30, 0x70), new(0x90, 0x18, 0x20),
    ];

    private static readonly SKColor[] JewelryColors =
    [
        new(0xf0, 0xc8, 0x40), new(0xe0, 0xe0, 0xe8), new(0xf4, 0xf0, 0xe4), new(0x30, 0xa0, 0xd0), new(0xe0, 0x30, 0x60),
    ];

    /// <summary>The 38 attributes SynthFaces draws: all of CelebA's but <c>Attractive</c> and <c>Blurry</c>.</summary>
    public static AttributeSet RenderableAttributes { get; } = AttributeSet.All.Without(A.Attractive).Without(A.Blurry);

    /// <summary>Face <paramref name="index"/> of the set fixed by <paramref name="seed"/>.</summary>
    /// <param name="seed">Data set seed.</param>
    /// <param name="index">Face index (0-based).</param>
    public static SynthFace Sample(long seed, long index)
    {
        var attributes = SampleAttributes(new DeterministicRandom(DeterministicRandom.Derive(seed, index, 1)));
        return SampleNuisance(attributes, new DeterministicRandom(DeterministicRandom.Derive(seed, index, 2)));
    }

    /// <summary>
    /// A face with the given attributes and nuisance variables drawn for (<paramref name="seed"/>, <paramref name="index"/>):
    /// to render a requested attribute combination. Attributes outside <see cref="RenderableAttributes"/> are dropped.
    /// </summary>
    /// <param name="attributes">The attributes to show.</param>
    /// <param name="seed">Data set seed.</param>
    /// <param name="index">Face index (0-based).</param>
    public static SynthFace Sample(AttributeSet attributes, long seed, long index)
        => SampleNuisance(attributes.Intersect(RenderableAttributes), new DeterministicRandom(DeterministicRandom.Derive(seed, index, 2)));

    private static AttributeSet SampleAttributes(DeterministicRandom r)
    {
        var s = AttributeSet.Empty;
        bool male = r.Chance(0.45), young = r.Chance(0.72);
        s = s.With(A.Male, male).With(A.Young, young);

        bool gray = r.Chance(young ? 0.02 : male ? 0.55 : 0.45);
        if (gray)
        {
            s = s.With(A.GrayHair);
        }
        else
        {
            // Black, brown, blond, or an unnamed colour (auburn / red).
            double u = r.NextDouble();
            double black = male ? 0.38 : 0.28, brown = male ? 0.38 : 0.32, blond = male ? 0.12 : 0.30;
            s = u < black ? s.With(A.BlackHair) : u < black + brown ? s.With(A.BrownHair) : u < black + brown + blond ? s.With(A.BlondHair) : s;
        }

        bool hat = r.Chance(0.1);
        bool bald = male && !hat && r.Chance(young ? 0.04 : 0.25);
        bool receding = male && !hat && !bald && r.Chance(young ? 0.08 : 0.3);
        s = s.With(A.WearingHat, hat).With(A.Bald, bald).With(A.RecedingHairline, receding);
        if (!bald)
        {
            double u = r.NextDouble();
            double straight = male ? 0.35 : 0.45, wavy = male ? 0.22 : 0.42;
            s = u < straight ? s.With(A.StraightHair) : u < straight + wavy ? s.With(A.WavyHair) : s;
            s = s.With(A.Bangs, !receding && r.Chance(male ? 0.1 : 0.28));
        }

        bool smiling = r.Chance(0.48);
        s = s.With(A.Smiling, smiling).With(A.MouthSlightlyOpen, r.Chance(smiling ? 0.62 : 0.28));
        s = s.With(A.HighCheekbones, r.Chance(smiling ? 0.7 : 0.2));
        s = s.With(A.Eyeglasses, r.Chance(young ? 0.1 : 0.25));
        s = s.With(A.WearingEarrings, r.Chance(male ? 0.03 : 0.38));
        s = s.With(A.WearingNecklace, r.Chance(male ? 0.02 : 0.25));
        s = s.With(A.WearingNecktie, r.Chance(male ? 0.18 : 0.01));
        bool makeup = !male && r.Chance(young ? 0.5 : 0.25);
        s = s.With(A.HeavyMakeup, makeup).With(A.WearingLipstick, !male && r.Chance(makeup ? 0.95 : 0.45));
        s = s.With(A.RosyCheeks, r.Chance(male ? 0.04 : 0.12));
        s = s.With(A.PaleSkin, r.Chance(0.08));

        if (male && r.Chance(young ? 0.38 : 0.5))
        {
            double u = r.NextDouble();
            s = u < 0.4 ? s.With(A.FiveOClockShadow)
                : u < 0.65 ? s.With(A.Mustache).With(A.Goatee)
                : u < 0.8 ? s.With(A.Goatee)
                : s.With(A.Mustache);
            s = s.With(A.Sideburns, r.Chance(0.35));
        }
        else if (male)
        {
            s = s.With(A.Sideburns, r.Chance(0.06));
        }

        s = s.With(A.NoBeard, !s.Contains(A.FiveOClockShadow) && !s.Contains(A.Goatee) && !s.Contains(A.Mustache));

        s = s.With(A.BigNose, r.Chance(male ? 0.4 : 0.1)).With(A.PointyNose, r.Chance(male ? 0.2 : 0.38));
        s = s.With(A.BigLips, r.Chance(male ? 0.18 : 0.3));
        s = s.With(A.BushyEyebrows, r.Chance(male ? 0.25 : 0.06)).With(A.ArchedEyebrows, r.Chance(male ? 0.08 : 0.42));
        s = s.With(A.NarrowEyes, r.Chance(0.12));
        s = s.With(A.BagsUnderEyes, r.Chance(young ? 0.12 : 0.45));
        bool chubby = r.Chance(young ? 0.05 : 0.16);
        s = s.With(A.Chubby, chubby).With(A.DoubleChin, r.Chance(chubby ? 0.55 : young ? 0.01 : 0.08));
        s = s.With(A.OvalFace, !chubby && r.Chance(male ? 0.2 : 0.38));
        return s;
    }

    private static SynthFace SampleNuisance(AttributeSet a, DeterministicRandom r)
    {
        bool male = a.Contains(A.Male);
        bool textured = a.Contains(A.StraightHair) || a.Contains(A.WavyHair);
        return new SynthFace
        {
            Attributes = a,
            OffsetX = r.Range(-0.05f, 0.05f),
            OffsetY = r.Range(-0.04f, 0.04f),
            Scale = r.Range(0.9f, 1.08f),
            Rotation = Math.Clamp(r.Gaussian() * 4f, -10f, 10f),
            SkinTone = MathF.Pow((float)r.NextDouble(), 1.4f),
            SkinWarmth = r.Range(-1f, 1f),
            HairShade = (float)r.NextDouble(),
            HairLength = male ? (textured ? r.Range(0f, 0.25f) : 0f) : textured ? r.Range(0.35f, 1f) : r.Range(0f, 0.3f),
            HairVolume = (float)r.NextDouble(),
            HairPart = r.Next(3) - 1,
            EyeColor = r.Pick(EyeColors),
            BackgroundFrom = RandomColor(r, 0.1f, 0.5f, 0.45f, 0.95f),
            BackgroundTo = RandomColor(r, 0.1f, 0.5f, 0.25f, 0.8f),
            BackgroundAngle = r.Range(0f, 360f),
            LightAngle = r.Range(0f, 360f),
            LightStrength = r.Range(0.2f, 1f),
            ClothesColor = RandomColor(r, 0.1f, 0.8f, 0.15f, 0.9f),
            AccentColor = RandomColor(r, 0.55f, 0.95f, 0.3f, 0.85f),
            MakeupColor = r.Pick(new SKColor[] { new(0x90, 0x50, 0xa8), new(0x40, 0x70, 0xc0), new(0x70, 0x48, 0x30), new(0xc8, 0x60, 0x90), new(0x40, 0x40, 0x48) }),
            LipstickColor = r.Pick(LipstickColors),
            FrameColor = r.Pick(FrameColors),
            JewelryColor = r.Pick(JewelryColors),
            HatStyle = r.Next(3),
            GlassesStyle = r.Next(2),
            EarringStyle = r.Next(3),
            NecklaceStyle = r.Next(2),
            ClothesStyle = male ? (r.Chance(0.5) ? 0 : 2) : r.Next(2),
            FaceWidthJitter = r.Range(-1f, 1f),
            EyeSpacingJitter = r.Range(-1f, 1f),
            MouthWidthJitter = r.Range(-1f, 1f),
            FeatureHeightJitter = r.Range(-1f, 1f),
        };
    }

    private static SKColor RandomColor(DeterministicRandom r, float satMin, float satMax, float valMin, float valMax)
        => SKColor.FromHsv(r.Range(0f, 360f), 100f * r.Range(satMin, satMax), 100f * r.Range(valMin, valMax));
}
