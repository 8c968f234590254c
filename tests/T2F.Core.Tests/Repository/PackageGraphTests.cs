using System.Reflection;
using Xunit;

namespace T2F.Core.Tests.Repository;

/// <summary>
/// The packages depend one way (README, "Packages"): T2F.Core is inference only, with no imaging library, dataset,
/// metric or trainer code; T2F.Data, T2F.Metrics and T2F.Training build on it in that order; weights live in
/// T2F.Models.*. Read from the compiled assemblies' references, so a stray project reference fails here.
/// </summary>
public class PackageGraphTests
{
    // Each package and the T2F packages it may reference (directly).
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["T2F.Core"] = [],
        ["T2F.Data"] = ["T2F.Core"],
        ["T2F.Metrics"] = ["T2F.Core", "T2F.Data"],
        ["T2F.Training"] = ["T2F.Core", "T2F.Data", "T2F.Metrics"],
        ["T2F.Orleans"] = ["T2F.Core", "T2F.Data"],
        ["T2F.Models.MiniLM"] = ["T2F.Core"],
        ["T2F.Models.SynthFaces"] = ["T2F.Core", "T2F.Models.MiniLM"],
        ["T2F.Models.FaceApi"] = ["T2F.Core", "T2F.Metrics"],
        ["T2F.Models.ResNet18"] = ["T2F.Core", "T2F.Metrics"],
        ["T2F.Models.SynthFacesAttributes"] = ["T2F.Core", "T2F.Metrics"],
    };

    public static TheoryData<string> Packages => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Packages))]
    public void APackageReferencesOnlyThePackagesBelowIt(string package)
    {
        var references = Assembly.Load(package).GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var t2f = references.Where(name => name.StartsWith("T2F.", StringComparison.Ordinal)).ToList();
        Assert.True(t2f.All(Allowed[package].Contains), $"{package} references {string.Join(", ", t2f.Except(Allowed[package]))}, outside its allowed {string.Join(", ", Allowed[package])}: the package graph must have no cycle and T2F.Core no training, metric or dataset code.");
    }

    [Fact]
    public void InferenceNeedsNoImagingLibrary()
    {
        foreach (string package in new[] { "T2F.Core", "T2F.Models.MiniLM", "T2F.Models.SynthFaces" })
        {
            var references = Assembly.Load(package).GetReferencedAssemblies().Select(a => a.Name!).ToList();
            Assert.DoesNotContain(references, name => name.StartsWith("SkiaSharp", StringComparison.Ordinal));
        }
    }
}
