using T2F.Core.Tests.TestSupport;
using T2F.Fuzz;
using Xunit;

namespace T2F.Core.Tests.Fuzzing;

/// <summary>
/// The fuzzing corpus (tests/fuzz-corpus/PARSER/: seeds, what afl-fuzz found, every crash it ever found) replayed as
/// ordinary tests: every parser either accepts a file or rejects it with its documented exception, nothing else.
/// Plus a deterministic mutation sweep of each seed, so the parsers are exercised even where afl-fuzz never ran.
/// </summary>
public class FuzzCorpusReplayTests
{
    public static TheoryData<string> Targets() => new(FuzzTargets.All.Keys);

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryCorpusFileIsAcceptedOrRejectedAsDocumented(string target)
    {
        string folder = Path.Combine(RepoPaths.RepoRoot, "tests", "fuzz-corpus", target);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
        Assert.True(files.Length > 0, $"no corpus for {target} in {folder}: run tests/T2F.Fuzz/fuzz.sh");
        foreach (string file in files)
        {
            var error = Record.Exception(() => FuzzTargets.Run(target, File.ReadAllBytes(file)));
            Assert.True(error is null, $"{target} on {Path.GetFileName(file)}: {error}");
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsAreAcceptedAndTheirMutationsRejectedAsDocumented(string target)
    {
        byte[] seed = FuzzTargets.Seeds()[target];
        Assert.True(FuzzTargets.Run(target, seed), $"the {target} seed must be a valid input");
        var random = new Random(target.Length * 7919);
        for (int i = 0; i < 2000; i++)
        {
            byte[] mutated = Mutate(seed, random);
            var error = Record.Exception(() => FuzzTargets.Run(target, mutated));
            Assert.True(error is null, $"{target}, mutation {i} ({Convert.ToHexString(mutated)}): {error}");
        }
    }

    // Bit flips, interesting bytes, truncation, duplication: the havoc stage of afl-fuzz, in miniature.
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = new byte[] { 0, 1, 0x7F, 0x80, 0xFF, (byte)'-', (byte)'9', (byte)'"' }[random.Next(8)]; break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.RemoveAt(at); break;
                case 4: bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(1 + random.Next(16)).ToList()); break;
                default: bytes[at] = (byte)random.Next(256); break;
            }
        }

        return bytes.ToArray();
    }
}
