namespace T2F.Core.Data;

/// <summary>
/// CelebA's 40 binary face attributes, in the order of the columns of <c>list_attr_celeba.txt</c> (Liu et al.,
/// "Deep Learning Face Attributes in the Wild", 2015). The numeric value is the column index.
/// <see cref="CelebAAttributes.Name"/> gives the official spelling (<c>5_o_Clock_Shadow</c>, <c>Arched_Eyebrows</c>, ...).
/// </summary>
public enum CelebAAttribute
{
    /// <summary><c>5_o_Clock_Shadow</c>: short stubble.</summary>
    FiveOClockShadow = 0,

    /// <summary><c>Arched_Eyebrows</c>.</summary>
    ArchedEyebrows = 1,

    /// <summary><c>Attractive</c> (a judgement of the annotators; SynthFaces never sets it).</summary>
    Attractive = 2,

    /// <summary><c>Bags_Under_Eyes</c>.</summary>
    BagsUnderEyes = 3,

    /// <summary><c>Bald</c>.</summary>
    Bald = 4,

    /// <summary><c>Bangs</c>: a fringe over the forehead.</summary>
    Bangs = 5,

    /// <summary><c>Big_Lips</c>.</summary>
    BigLips = 6,

    /// <summary><c>Big_Nose</c>.</summary>
    BigNose = 7,

    /// <summary><c>Black_Hair</c>.</summary>
    BlackHair = 8,

    /// <summary><c>Blond_Hair</c>.</summary>
    BlondHair = 9,

    /// <summary><c>Blurry</c> (a property of the photo; SynthFaces never sets it).</summary>
    Blurry = 10,

    /// <summary><c>Brown_Hair</c>.</summary>
    BrownHair = 11,

    /// <summary><c>Bushy_Eyebrows</c>.</summary>
    BushyEyebrows = 12,

    /// <summary><c>Chubby</c>.</summary>
    Chubby = 13,

    /// <summary><c>Double_Chin</c>.</summary>
    DoubleChin = 14,

    /// <summary><c>Eyeglasses</c>.</summary>
    Eyeglasses = 15,

    /// <summary><c>Goatee</c>.</summary>
    Goatee = 16,

    /// <summary><c>Gray_Hair</c>.</summary>
    GrayHair = 17,

    /// <summary><c>Heavy_Makeup</c>.</summary>
    HeavyMakeup = 18,

    /// <summary><c>High_Cheekbones</c>.</summary>
    HighCheekbones = 19,

    /// <summary><c>Male</c>; absent means female (it also picks the pronouns of descriptions).</summary>
    Male = 20,

    /// <summary><c>Mouth_Slightly_Open</c>.</summary>
    MouthSlightlyOpen = 21,

    /// <summary><c>Mustache</c>.</summary>
    Mustache = 22,

    /// <summary><c>Narrow_Eyes</c>.</summary>
    NarrowEyes = 23,

    /// <summary><c>No_Beard</c>.</summary>
    NoBeard = 24,

    /// <summary><c>Oval_Face</c>.</summary>
    OvalFace = 25,

    /// <summary><c>Pale_Skin</c>.</summary>
    PaleSkin = 26,

    /// <summary><c>Pointy_Nose</c>.</summary>
    PointyNose = 27,

    /// <summary><c>Receding_Hairline</c>.</summary>
    RecedingHairline = 28,

    /// <summary><c>Rosy_Cheeks</c>.</summary>
    RosyCheeks = 29,

    /// <summary><c>Sideburns</c>.</summary>
    Sideburns = 30,

    /// <summary><c>Smiling</c>.</summary>
    Smiling = 31,

    /// <summary><c>Straight_Hair</c>.</summary>
    StraightHair = 32,

    /// <summary><c>Wavy_Hair</c>.</summary>
    WavyHair = 33,

    /// <summary><c>Wearing_Earrings</c>.</summary>
    WearingEarrings = 34,

    /// <summary><c>Wearing_Hat</c>.</summary>
    WearingHat = 35,

    /// <summary><c>Wearing_Lipstick</c>.</summary>
    WearingLipstick = 36,

    /// <summary><c>Wearing_Necklace</c>.</summary>
    WearingNecklace = 37,

    /// <summary><c>Wearing_Necktie</c>.</summary>
    WearingNecktie = 38,

    /// <summary><c>Young</c>; absent means older.</summary>
    Young = 39,
}
