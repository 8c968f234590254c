using Xunit;

namespace T2F.Core.Tests.TestSupport;

/// <summary>
/// The test classes that read or change state the whole test process shares: torch's global random generator (seeded
/// by the trainers and samples before they build modules), libtorch's thread count and oneDNN switch, the console,
/// <see cref="Core.Ops.OpSettings.Log"/>, and the process's resident memory. xunit runs them one at a time, after every
/// other class has finished; each class that joins says why beside its attribute. Linked into every test assembly: xunit
/// finds a collection's definition only in the test assembly that uses it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideStateCollection
{
    /// <summary>The collection's name, for <c>[Collection(ProcessWideStateCollection.Name)]</c>.</summary>
    public const string Name = "Process-wide state";
}
