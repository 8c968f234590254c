using System.Text.RegularExpressions;
using System.Xml.Linq;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Repository;

/// <summary>Rules of the repository that no compiler checks.</summary>
public partial class RepositoryHygieneTests
{
    private static IEnumerable<string> Files(string folder, string pattern)
        => Directory.EnumerateFiles(Path.Combine(RepoPaths.RepoRoot, folder), pattern, SearchOption.AllDirectories)
            .Where(f => !f.Replace('\\', '/').Contains("/obj/") && !f.Replace('\\', '/').Contains("/bin/"));

    [Fact]
    public void EveryBenchmarkResultNamesTheHardwareThatMeasuredIt()
    {
        var files = Files("docs/benchmarks", "*.md").ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(File.ReadLines(f).Any(l => l.StartsWith("Hardware:", StringComparison.Ordinal)), $"{f} has no 'Hardware:' line"));
    }

    [Fact]
    public void CodeCitesTheReferencesOwnFilesNotAnOutsideSpec()
    {
        // Section numbers of "the spec" pointed into a document that is not in the repository.
        var offenders = new[] { "src", "tests", "samples", "benchmarks" }.SelectMany(d => Files(d, "*.cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => SpecCitation().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepoPaths.RepoRoot, x.f)}:{x.i + 1}")
            .ToList();
        Assert.True(offenders.Count == 0, "cite the reference's file and function instead: " + string.Join(", ", offenders));
    }

    [Fact]
    public void EveryPackageVersionIsCentral()
    {
        var projects = new[] { "src", "tests", "samples", "benchmarks" }.SelectMany(d => Files(d, "*.csproj")).ToList();
        Assert.NotEmpty(projects);
        var literal = projects.SelectMany(p => XDocument.Load(p).Descendants("PackageReference")
                .Where(r => r.Attribute("Version") is not null || r.Attribute("VersionOverride") is not null)
                .Select(r => $"{Path.GetFileName(p)}: {r.Attribute("Include")?.Value}"))
            .ToList();
        Assert.True(literal.Count == 0, "versions belong in Directory.Packages.props: " + string.Join(", ", literal));
    }

    [GeneratedRegex(@"\b[Ss]pec(ification)? (section |§ ?)?\d")]
    private static partial Regex SpecCitation();
}
