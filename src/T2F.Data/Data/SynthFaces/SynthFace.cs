using SkiaSharp;

namespace T2F.Core.Data.SynthFaces;

/// <summary>
/// Everything that fixes one SynthFaces image: its CelebA attributes and the nuisance variables that no attribute
/// names (pose, skin tone, hair shape, eye colour, background, lighting, clothing, accessory styles).
/// <see cref="SynthFaceSampler.Sample(long, long)"/> draws one; <see cref="SynthFaceRenderer"/> draws it. Rendering is
/// a pure function of this record, so changing one property (<c>face with { Attributes = ... }</c>) changes only
/// what that property controls.
/// </summary>
/// <remarks>Lengths are in units of the 256-unit face canvas; the renderer scales them to the output size.</remarks>
public sealed record SynthFace
{
    /// <summary>The face's attributes; only <see cref="SynthFaceSampler.RenderableAttributes"/> have an effect.</summary>
    public AttributeSet Attributes { get; init; }

    /// <summary>Horizontal offset of the head, in units of the canvas (0 = centred; the sampler uses +-0.05).</summary>
    public float OffsetX { get; init; }

    /// <summary>Vertical offset of the head, in units of the canvas (0 = centred; the sampler uses +-0.04).</summary>
    public float OffsetY { get; init; }

    /// <summary>Head size factor (1 = nominal; the sampler uses 0.9-1.08).</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>In-plane head rotation in degrees (the sampler uses about +-10).</summary>
    public float Rotation { get; init; }

    /// <summary>Skin tone from light (0) to dark (1); ignored with <see cref="CelebAAttribute.PaleSkin"/>.</summary>
    public float SkinTone { get; init; } = 0.3f;

    /// <summary>Skin undertone from cool/olive (-1) to warm/red (1).</summary>
    public float SkinWarmth { get; init; }

    /// <summary>Shade within the hair colour class (0 darker .. 1 lighter).</summary>
    public float HairShade { get; init; } = 0.5f;

    /// <summary>Hair length: 0 ends at the ears, 1 reaches the shoulders (short crops ignore it).</summary>
    public float HairLength { get; init; } = 0.5f;

    /// <summary>Hair volume (0 flat .. 1 full).</summary>
    public float HairVolume { get; init; } = 0.5f;

    /// <summary>Parting or sweep side: -1 left, 0 none, 1 right.</summary>
    public int HairPart { get; init; }

    /// <summary>Eye (iris) colour.</summary>
    public SKColor EyeColor { get; init; } = new(0x5a, 0x3a, 0x22);

    /// <summary>Background gradient start colour.</summary>
    public SKColor BackgroundFrom { get; init; } = new(0x9a, 0xb0, 0xc8);

    /// <summary>Background gradient end colour.</summary>
    public SKColor BackgroundTo { get; init; } = new(0x50, 0x60, 0x80);

    /// <summary>Background gradient direction in degrees.</summary>
    public float BackgroundAngle { get; init; } = 90f;

    /// <summary>Direction the light comes from, degrees (0 = from the right, 90 = from above).</summary>
    public float LightAngle { get; init; } = 120f;

    /// <summary>Strength of the lighting shade on the face (0 flat .. 1 strong).</summary>
    public float LightStrength { get; init; } = 0.5f;

    /// <summary>Colour of the top or jacket.</summary>
    public SKColor ClothesColor { get; init; } = new(0x30, 0x48, 0x70);

    /// <summary>Colour of the hat, necktie and similar accessories.</summary>
    public SKColor AccentColor { get; init; } = new(0xa0, 0x20, 0x30);

    /// <summary>Colour of eye shadow (with <see cref="CelebAAttribute.HeavyMakeup"/>).</summary>
    public SKColor MakeupColor { get; init; } = new(0x80, 0x50, 0x90);

    /// <summary>Colour of lipstick (with <see cref="CelebAAttribute.WearingLipstick"/>).</summary>
    public SKColor LipstickColor { get; init; } = new(0xc0, 0x14, 0x3c);

    /// <summary>Colour of eyeglass frames.</summary>
    public SKColor FrameColor { get; init; } = new(0x20, 0x20, 0x20);

    /// <summary>Colour of jewellery (earrings, necklace).</summary>
    public SKColor JewelryColor { get; init; } = new(0xe0, 0xb8, 0x40);

    /// <summary>Hat style: 0 cap with a brim, 1 beanie, 2 fedora.</summary>
    public int HatStyle { get; init; }

    /// <summary>Eyeglass style: 0 rectangular, 1 round.</summary>
    public int GlassesStyle { get; init; }

    /// <summary>Earring style: 0 studs, 1 hoops, 2 drops.</summary>
    public int EarringStyle { get; init; }

    /// <summary>Necklace style: 0 chain with a pendant, 1 beads.</summary>
    public int NecklaceStyle { get; init; }

    /// <summary>Top style: 0 crew neck, 1 scoop neck, 2 collared shirt.</summary>
    public int ClothesStyle { get; init; }

    /// <summary>Small changes of face proportions (-1 .. 1): face width.</summary>
    public float FaceWidthJitter { get; init; }

    /// <summary>Small changes of face proportions (-1 .. 1): distance between the eyes.</summary>
    public float EyeSpacingJitter { get; init; }

    /// <summary>Small changes of face proportions (-1 .. 1): mouth width.</summary>
    public float MouthWidthJitter { get; init; }

    /// <summary>Small changes of face proportions (-1 .. 1): height of the eyes and brows.</summary>
    public float FeatureHeightJitter { get; init; }
}
