namespace T2F.Core.Data;

/// <summary>The official names of CelebA's 40 attributes and conversions between names and <see cref="CelebAAttribute"/>.</summary>
public static class CelebAAttributes
{
    /// <summary>Number of CelebA attributes (40).</summary>
    public const int Count = 40;

    private static readonly string[] OfficialNames =
    [
        "5_o_Clock_Shadow", "Arched_Eyebrows", "Attractive", "Bags_Under_Eyes", "Bald", "Bangs", "Big_Lips", "Big_Nose",
        "Black_Hair", "Blond_Hair", "Blurry", "Brown_Hair", "Bushy_Eyebrows", "Chubby", "Double_Chin", "Eyeglasses",
        "Goatee", "Gray_Hair", "Heavy_Makeup", "High_Cheekbones", "Male", "Mouth_Slightly_Open", "Mustache", "Narrow_Eyes",
        "No_Beard", "Oval_Face", "Pale_Skin", "Pointy_Nose", "Receding_Hairline", "Rosy_Cheeks", "Sideburns", "Smiling",
        "Straight_Hair", "Wavy_Hair", "Wearing_Earrings", "Wearing_Hat", "Wearing_Lipstick", "Wearing_Necklace",
        "Wearing_Necktie", "Young",
    ];

    private static readonly Dictionary<string, CelebAAttribute> ByName = BuildIndex();

    /// <summary>The 40 official names in column order (<c>5_o_Clock_Shadow</c> ... <c>Young</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(OfficialNames);

    /// <summary>The 40 attributes in column order.</summary>
    public static IReadOnlyList<CelebAAttribute> All { get; } = Array.AsReadOnly(Enumerable.Range(0, Count).Select(i => (CelebAAttribute)i).ToArray());

    /// <summary>The official name of <paramref name="attribute"/>, e.g. <c>Wearing_Hat</c>.</summary>
    /// <param name="attribute">A defined attribute.</param>
    public static string Name(CelebAAttribute attribute)
    {
        int i = (int)attribute;
        if ((uint)i >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(attribute), attribute, $"CelebA attributes are numbered 0..{Count - 1}.");
        }

        return OfficialNames[i];
    }

    /// <summary>Looks up an official name (exact spelling, case-sensitive, as in the CelebA files).</summary>
    /// <param name="name">For example <c>Blond_Hair</c>.</param>
    /// <param name="attribute">The attribute when found.</param>
    public static bool TryParse(string name, out CelebAAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.TryGetValue(name, out attribute);
    }

    /// <summary>Looks up an official name; throws with the list of valid names when it is unknown.</summary>
    /// <param name="name">For example <c>Blond_Hair</c>.</param>
    public static CelebAAttribute Parse(string name)
    {
        if (!TryParse(name, out var attribute))
        {
            throw new ArgumentException($"'{name}' is not a CelebA attribute name. Valid names (case-sensitive): {string.Join(", ", OfficialNames)}.", nameof(name));
        }

        return attribute;
    }

    private static Dictionary<string, CelebAAttribute> BuildIndex()
    {
        var map = new Dictionary<string, CelebAAttribute>(Count, StringComparer.Ordinal);
        for (int i = 0; i < Count; i++)
        {
            map[OfficialNames[i]] = (CelebAAttribute)i;
        }

        return map;
    }
}
