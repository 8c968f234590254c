using System.Text;
using A = T2F.Core.Data.CelebAAttribute;

namespace T2F.Core.Data;

/// <summary>
/// Turns an attribute set into English descriptions in the style of Text2Face / Text2FaceGAN ("The smiling, young
/// woman has wavy blond hair. She is wearing earrings."): attributes are grouped (hair colour, texture and bangs;
/// facial hair; makeup; accessories; face shape and skin; features; expression; age), groups come in a random order,
/// phrases and templates are drawn from synonym lists, pronouns follow <see cref="CelebAAttribute.Male"/>.
/// </summary>
/// <remarks>
/// Guarantees: a description never mentions an absent attribute and mentions every present describable one, with
/// one exception: <see cref="CelebAAttribute.NoBeard"/> is said ("clean-shaven") only of men without a goatee,
/// mustache or 5 o'clock shadow (CelebA marks nearly every woman No_Beard, and some men both). Absent
/// <see cref="CelebAAttribute.Male"/> reads as "woman" and absent <see cref="CelebAAttribute.Young"/> as "older"
/// when those attributes are describable. The same (attributes, seed) gives the same text on every platform.
/// </remarks>
public sealed class FaceDescriber
{
    private static readonly string[] YoungWords = ["young", "youthful"];
    private static readonly string[] OlderWords = ["older", "middle-aged", "mature"];
    private static readonly string[] AttractiveWords = ["attractive", "good-looking"];

    /// <summary>Creates a describer.</summary>
    /// <param name="options">Options; null uses the defaults (all 40 attributes describable).</param>
    public FaceDescriber(DescriptionOptions? options = null)
    {
        Options = options ?? new DescriptionOptions();
    }

    /// <summary>A describer with default options.</summary>
    public static FaceDescriber Default { get; } = new();

    /// <summary>The options.</summary>
    public DescriptionOptions Options { get; }

    /// <summary>One description (one or more sentences) of <paramref name="attributes"/>, fixed by <paramref name="seed"/>.</summary>
    /// <param name="attributes">Present attributes; any subset, including none.</param>
    /// <param name="seed">Picks templates, synonyms and order.</param>
    public string Describe(AttributeSet attributes, long seed)
        => Compose(attributes.Intersect(Options.Describable), new DeterministicRandom(DeterministicRandom.Derive(seed, (long)attributes.Bits, 0)));

    /// <summary><paramref name="count"/> descriptions of the same face, distinct where the attributes allow it.</summary>
    /// <param name="attributes">Present attributes; any subset, including none.</param>
    /// <param name="count">Number of descriptions.</param>
    /// <param name="seed">Picks templates, synonyms and order.</param>
    public IReadOnlyList<string> Describe(AttributeSet attributes, int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var a = attributes.Intersect(Options.Describable);
        var result = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < count; k++)
        {
            string text = string.Empty;
            for (int attempt = 0; attempt < 8; attempt++)
            {
                text = Compose(a, new DeterministicRandom(DeterministicRandom.Derive(seed, (long)attributes.Bits, (k * 8L) + attempt + 1)));
                if (seen.Add(text))
                {
                    break;
                }
            }

            result.Add(text);
        }

        return result;
    }

    private string Compose(AttributeSet a, DeterministicRandom rng)
    {
        var d = Options.Describable;
        var voice = !d.Contains(A.Male) ? Voice.Person : a.Contains(A.Male) ? Voice.Man : Voice.Woman;

        // Adjectives that may go before the noun of the first sentence ("The smiling, young woman ...").
        var adjectives = new List<string>();
        var groups = new List<List<Clause>>();
        string? age = d.Contains(A.Young) ? rng.Pick(a.Contains(A.Young) ? YoungWords : OlderWords) : null;
        string? attractive = a.Contains(A.Attractive) ? rng.Pick(AttractiveWords) : null;
        var presence = new List<Clause>();
        if (attractive is not null)
        {
            if (rng.Chance(0.6))
            {
                adjectives.Add(attractive);
            }
            else
            {
                presence.Add(new Clause($"{rng.Pick(["{is}", "{looks}"])} {attractive}"));
            }
        }

        bool smilingAdjective = a.Contains(A.Smiling) && !a.Contains(A.MouthSlightlyOpen) && rng.Chance(0.3);
        if (smilingAdjective)
        {
            adjectives.Insert(0, "smiling");
        }

        bool chubbyAdjective = a.Contains(A.Chubby) && rng.Chance(0.3);
        if (chubbyAdjective)
        {
            adjectives.Add("chubby");
        }

        if (age is not null)
        {
            if (rng.Chance(0.7))
            {
                adjectives.Add(age);
            }
            else
            {
                presence.Insert(0, new Clause($"{rng.Pick(["{is}", "{looks}"])} {age}"));
            }
        }

        if (presence.Count == 2)
        {
            // "is young and attractive"
            presence = [new Clause($"{presence[0].Template} and {presence[1].Template.Split(' ', 2)[1]}")];
        }

        AddGroup(groups, presence);
        AddGroup(groups, Hair(a, voice, rng));
        AddGroup(groups, FacialHair(a, voice, rng));
        AddGroup(groups, Makeup(a, rng));
        AddGroup(groups, Accessories(a, rng));
        AddGroup(groups, FaceShape(a, chubbyAdjective, rng));
        AddGroup(groups, Features(a, rng));
        AddGroup(groups, Expression(a, smilingAdjective, rng));
        rng.Shuffle(groups);
        var clauses = groups.SelectMany(g => g).ToList();

        var text = new StringBuilder();
        string noun = rng.Pick(voice.Nouns);
        string adjectiveText = string.Join(", ", adjectives);
        string nounPhrase = adjectiveText.Length == 0 ? noun : $"{adjectiveText} {noun}";
        bool introduced = false;
        if (clauses.Count == 0 || clauses[0].Standalone || rng.Chance(0.2))
        {
            string article = "aeiou".Contains(nounPhrase[0], StringComparison.Ordinal) ? "an" : "a";
            string opener = rng.Pick(["This is a photo of {0} {1}.", "The picture shows {0} {1}.", "This is {0} {1}."]);
            Append(text, string.Format(System.Globalization.CultureInfo.InvariantCulture, opener, article, nounPhrase));
            introduced = true;
        }

        for (int i = 0; i < clauses.Count; i++)
        {
            var clause = clauses[i];
            if (clause.Standalone)
            {
                Append(text, Render(clause.Template, voice, plural: voice.PluralPronoun) + ".");
                continue;
            }

            string subject;
            bool plural;
            if (!introduced)
            {
                subject = $"{rng.Pick(["The", "This"])} {nounPhrase}";
                plural = false;
                introduced = true;
            }
            else if (rng.Chance(0.75))
            {
                subject = voice.Pronoun;
                plural = voice.PluralPronoun;
            }
            else
            {
                subject = $"The {rng.Pick(voice.Nouns)}";
                plural = false;
            }

            string predicate = Render(clause.Template, voice, plural);
            if (i + 1 < clauses.Count && !clauses[i + 1].Standalone && rng.Chance(0.35)
                && !predicate.Contains(" and ", StringComparison.Ordinal) && !clauses[i + 1].Template.Contains(" and ", StringComparison.Ordinal))
            {
                predicate += " and " + Render(clauses[++i].Template, voice, plural);
            }

            Append(text, $"{subject} {predicate}.");
        }

        if (a.Contains(A.Blurry))
        {
            Append(text, rng.Pick(["The photo is blurry.", "The image is out of focus.", "The picture is blurry."]));
        }

        return text.ToString();
    }

    private static void AddGroup(List<List<Clause>> groups, List<Clause> group)
    {
        if (group.Count > 0)
        {
            groups.Add(group);
        }
    }

    private static List<Clause> Hair(AttributeSet a, Voice voice, DeterministicRandom rng)
    {
        var clauses = new List<Clause>();
        var colours = new List<string>();
        if (a.Contains(A.BlackHair))
        {
            colours.Add("black");
        }

        if (a.Contains(A.BrownHair))
        {
            colours.Add("brown");
        }

        if (a.Contains(A.BlondHair))
        {
            colours.Add(rng.Pick(voice == Voice.Woman ? ["blonde", "golden"] : new[] { "blond", "golden" }));
        }

        if (a.Contains(A.GrayHair))
        {
            colours.Add(rng.Pick(["gray", "grey", "silver"]));
        }

        var textures = new List<string>();
        if (a.Contains(A.StraightHair))
        {
            textures.Add("straight");
        }

        if (a.Contains(A.WavyHair))
        {
            textures.Add("wavy");
        }

        string colour = JoinAnd(colours);
        string texture = JoinAnd(textures);
        bool bangs = a.Contains(A.Bangs);
        string bangsWord = rng.Pick(["bangs", "a fringe"]);
        if (a.Contains(A.Bald))
        {
            clauses.Add(new Clause(rng.Pick(["{is} bald", "{has} a bald head"])));
        }

        if (a.Contains(A.RecedingHairline))
        {
            clauses.Add(new Clause("{has} a receding hairline"));
        }

        if (colours.Count > 0 || textures.Count > 0)
        {
            int form = rng.Next(colours.Count > 0 && textures.Count > 0 ? 3 : 2);
            switch (form)
            {
                case 0:
                    string adjectives = string.Join(' ', new[] { texture, colour }.Where(s => s.Length > 0));
                    clauses.Add(new Clause(bangs ? $"{{has}} {adjectives} hair with {bangsWord}" : $"{{has}} {adjectives} hair"));
                    bangs = false;
                    break;
                case 1:
                    clauses.Add(new Clause($"{{Pos}} hair is {JoinAnd(new[] { colour, texture }.Where(s => s.Length > 0).ToList())}", Standalone: true));
                    break;
                default:
                    clauses.Add(new Clause($"{{has}} {texture} hair which is {colour}"));
                    break;
            }
        }

        if (bangs)
        {
            clauses.Add(new Clause($"{{has}} {bangsWord}"));
        }

        return MergePredicates(clauses, 2);
    }

    private static List<Clause> FacialHair(AttributeSet a, Voice voice, DeterministicRandom rng)
    {
        var items = new List<string>();
        if (a.Contains(A.FiveOClockShadow))
        {
            items.Add(rng.Pick(["a 5 o'clock shadow", "a five o'clock shadow", "stubble"]));
        }

        if (a.Contains(A.Goatee))
        {
            items.Add("a goatee");
        }

        if (a.Contains(A.Mustache))
        {
            items.Add(rng.Pick(["a mustache", "a moustache"]));
        }

        if (a.Contains(A.Sideburns))
        {
            items.Add("sideburns");
        }

        bool cleanShaven = voice == Voice.Man && a.Contains(A.NoBeard)
            && !a.Contains(A.FiveOClockShadow) && !a.Contains(A.Goatee) && !a.Contains(A.Mustache);
        if (items.Count == 0)
        {
            return cleanShaven ? [new Clause(rng.Pick(["{is} clean-shaven", "{has} no beard"]))] : [];
        }

        rng.Shuffle(items);
        string verb = rng.Pick(["{has}", "{sports}"]);
        return [new Clause(cleanShaven ? $"{verb} {JoinAnd(items)} but no beard" : $"{verb} {JoinAnd(items)}")];
    }

    private static List<Clause> Makeup(AttributeSet a, DeterministicRandom rng)
    {
        var items = new List<string>();
        if (a.Contains(A.HeavyMakeup))
        {
            items.Add(rng.Pick(["heavy makeup", "a lot of makeup", "lots of makeup"]));
        }

        if (a.Contains(A.WearingLipstick))
        {
            items.Add("lipstick");
        }

        return items.Count == 0 ? [] : [new Clause($"{rng.Pick(["{wears}", "{is} wearing"])} {JoinAnd(items)}")];
    }

    private static List<Clause> Accessories(AttributeSet a, DeterministicRandom rng)
    {
        var items = new List<string>();
        if (a.Contains(A.Eyeglasses))
        {
            items.Add(rng.Pick(["eyeglasses", "glasses", "spectacles"]));
        }

        if (a.Contains(A.WearingHat))
        {
            items.Add(rng.Pick(["a hat", "a cap"]));
        }

        if (a.Contains(A.WearingEarrings))
        {
            items.Add("earrings");
        }

        if (a.Contains(A.WearingNecklace))
        {
            items.Add("a necklace");
        }

        if (a.Contains(A.WearingNecktie))
        {
            items.Add(rng.Pick(["a necktie", "a tie"]));
        }

        rng.Shuffle(items);
        return Split(items, 3).Select(chunk => new Clause($"{rng.Pick(["{wears}", "{is} wearing"])} {JoinAnd(chunk)}")).ToList();
    }

    private static List<Clause> FaceShape(AttributeSet a, bool chubbyUsed, DeterministicRandom rng)
    {
        var items = new List<string>();
        var clauses = new List<Clause>();
        if (a.Contains(A.Chubby) && !chubbyUsed)
        {
            if (rng.Chance(0.5))
            {
                clauses.Add(new Clause(rng.Pick(["{is} chubby", "{is} a little chubby"])));
            }
            else
            {
                items.Add("a chubby face");
            }
        }

        if (a.Contains(A.OvalFace))
        {
            items.Add(rng.Pick(["an oval face", "an oval-shaped face"]));
        }

        if (a.Contains(A.HighCheekbones))
        {
            items.Add(rng.Pick(["high cheekbones", "prominent cheekbones"]));
        }

        if (a.Contains(A.DoubleChin))
        {
            items.Add("a double chin");
        }

        if (a.Contains(A.PaleSkin))
        {
            items.Add(rng.Pick(["pale skin", "fair skin", "a pale complexion"]));
        }

        if (a.Contains(A.RosyCheeks))
        {
            items.Add(rng.Pick(["rosy cheeks", "pink cheeks"]));
        }

        rng.Shuffle(items);
        clauses.AddRange(Split(items, 3).Select(chunk => new Clause($"{{has}} {JoinAnd(chunk)}")));
        return clauses;
    }

    private static List<Clause> Features(AttributeSet a, DeterministicRandom rng)
    {
        var items = new List<string>();
        bool big = a.Contains(A.BigNose), pointy = a.Contains(A.PointyNose);
        if (big || pointy)
        {
            string size = rng.Pick(["big", "large"]);
            string tip = rng.Pick(["pointy", "pointed"]);
            items.Add(big && pointy ? $"a {size}, {tip} nose" : big ? $"a {size} nose" : $"a {tip} nose");
        }

        if (a.Contains(A.BigLips))
        {
            items.Add(rng.Pick(["big lips", "full lips", "large lips"]));
        }

        bool bushy = a.Contains(A.BushyEyebrows), arched = a.Contains(A.ArchedEyebrows);
        if (bushy || arched)
        {
            string thick = rng.Pick(["bushy", "thick"]);
            string brows = rng.Pick(["eyebrows", "brows"]);
            items.Add(bushy && arched ? $"{thick}, arched {brows}" : bushy ? $"{thick} {brows}" : $"arched {brows}");
        }

        if (a.Contains(A.NarrowEyes))
        {
            items.Add(rng.Pick(["narrow eyes", "narrowed eyes"]));
        }

        if (a.Contains(A.BagsUnderEyes))
        {
            items.Add(rng.Pick(["bags under {pos} eyes", "puffy bags under {pos} eyes"]));
        }

        rng.Shuffle(items);
        return Split(items, 3).Select(chunk => new Clause($"{{has}} {JoinAnd(chunk)}")).ToList();
    }

    private static List<Clause> Expression(AttributeSet a, bool smilingUsed, DeterministicRandom rng)
    {
        bool smiling = a.Contains(A.Smiling) && !smilingUsed, open = a.Contains(A.MouthSlightlyOpen);
        if (smiling && open)
        {
            return [new Clause(rng.Pick(["{is} smiling with {pos} mouth slightly open", "{has} a smile and a slightly open mouth", "{is} smiling with slightly parted lips"]))];
        }

        if (smiling)
        {
            return [new Clause(rng.Pick(["{is} smiling", "{has} a smile", "{has} a warm smile"]))];
        }

        if (open)
        {
            int form = rng.Next(3);
            return form switch
            {
                0 => [new Clause("{has} {pos} mouth slightly open")],
                1 => [new Clause("{has} a slightly open mouth")],
                _ => [new Clause("{Pos} mouth is slightly open", Standalone: true)],
            };
        }

        return [];
    }

    /// <summary>Joins runs of predicates ("has a receding hairline and has gray hair") so a group reads as one thought.</summary>
    private static List<Clause> MergePredicates(List<Clause> clauses, int max)
    {
        var merged = new List<Clause>();
        var run = new List<string>();
        foreach (var c in clauses)
        {
            if (c.Standalone)
            {
                merged.Add(c);
                continue;
            }

            run.Add(c.Template);
            if (run.Count == max)
            {
                merged.Add(new Clause(string.Join(" and ", run)));
                run.Clear();
            }
        }

        if (run.Count > 0)
        {
            merged.Add(new Clause(string.Join(" and ", run)));
        }

        return merged;
    }

    private static IEnumerable<List<string>> Split(List<string> items, int max)
    {
        for (int i = 0; i < items.Count; i += max)
        {
            yield return items.GetRange(i, Math.Min(max, items.Count - i));
        }
    }

    private static string JoinAnd(IReadOnlyList<string> items) => items.Count switch
    {
        0 => string.Empty,
        1 => items[0],
        2 => $"{items[0]} and {items[1]}",
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}",
    };

    private static string Render(string template, Voice voice, bool plural)
        => template
            .Replace("{has}", plural ? "have" : "has", StringComparison.Ordinal)
            .Replace("{is}", plural ? "are" : "is", StringComparison.Ordinal)
            .Replace("{wears}", plural ? "wear" : "wears", StringComparison.Ordinal)
            .Replace("{sports}", plural ? "sport" : "sports", StringComparison.Ordinal)
            .Replace("{looks}", plural ? "look" : "looks", StringComparison.Ordinal)
            .Replace("{pos}", voice.Possessive, StringComparison.Ordinal)
            .Replace("{Pos}", char.ToUpperInvariant(voice.Possessive[0]) + voice.Possessive[1..], StringComparison.Ordinal);

    private static void Append(StringBuilder text, string sentence)
    {
        if (text.Length > 0)
        {
            text.Append(' ');
        }

        text.Append(char.ToUpperInvariant(sentence[0])).Append(sentence.AsSpan(1));
    }

    private readonly record struct Clause(string Template, bool Standalone = false);

    private sealed record Voice(string[] Nouns, string Pronoun, string Possessive, bool PluralPronoun)
    {
        public static readonly Voice Man = new(["man", "gentleman"], "He", "his", false);
        public static readonly Voice Woman = new(["woman", "lady"], "She", "her", false);
        public static readonly Voice Person = new(["person"], "They", "their", true);
    }
}
