using System.Text.RegularExpressions;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Repository;

/// <summary>
/// Inside the packages, the concern folders (one namespace each: T2F.Core.Generation, T2F.Core.Ops, ...) depend one
/// way too: a cycle (Generation -> Ops -> Generation) means a concern cannot be read, tested or moved to a package on
/// its own. Read from the sources: a folder depends on another when one of its files names that namespace in a using
/// directive or a qualified name, which C# requires for every cross-namespace reference outside the parent chain.
/// </summary>
public partial class FolderGraphTests
{
    private static readonly string[] Projects = ["T2F.Core", "T2F.Data", "T2F.Metrics", "T2F.Training"];

    [GeneratedRegex(@"^namespace T2F\.Core\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bT2F\.Core\.([A-Z]\w*)\b")]
    private static partial Regex NamespaceReference();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    private static (Dictionary<string, HashSet<string>> Edges, Dictionary<(string, string), string> Witness) ReadGraph()
    {
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var witness = new Dictionary<(string, string), string>();
        foreach (string project in Projects)
        {
            string root = Path.Combine(RepoPaths.RepoRoot, "src", project);
            foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                string text = File.ReadAllText(file);
                var declared = NamespaceDeclaration().Match(text);
                if (!declared.Success)
                {
                    continue;
                }

                string folder = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar)[0];
                string area = declared.Groups[1].Value;
                Assert.True(area == folder, $"{Path.GetRelativePath(RepoPaths.RepoRoot, file)} declares T2F.Core.{area} but sits in {folder}/: one namespace per concern folder, or this test cannot see its dependencies.");
                var targets = edges.TryGetValue(area, out var set) ? set : edges[area] = new HashSet<string>(StringComparer.Ordinal);
                foreach (Match reference in NamespaceReference().Matches(LineComment().Replace(text, string.Empty)))
                {
                    string target = reference.Groups[1].Value;
                    if (target != area && targets.Add(target))
                    {
                        witness[(area, target)] = Path.GetRelativePath(RepoPaths.RepoRoot, file);
                    }
                }
            }
        }

        return (edges, witness);
    }

    [Fact]
    public void ConcernFoldersHaveNoCycle()
    {
        var (edges, witness) = ReadGraph();
        Assert.True(edges.Count >= 10, $"only {edges.Count} concern folders found under src/: the test is not reading the sources");
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();

        void Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (string next in edges.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    var cycle = path.Skip(path.IndexOf(next)).Append(next).ToList();
                    var because = cycle.Zip(cycle.Skip(1), (a, b) => $"{a} -> {b} ({witness[(a, b)]})");
                    Assert.Fail($"folder cycle: {string.Join(", ", because)}. Move the shared type to the folder both can depend on (Torch/ for libtorch helpers) or to the lower of the two.");
                }

                if (!state.ContainsKey(next))
                {
                    Visit(next);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
        }

        foreach (string node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!state.ContainsKey(node))
            {
                Visit(node);
            }
        }
    }
}
