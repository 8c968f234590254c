using System.Reflection;
using System.Text;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Repository;

/// <summary>
/// The public surface of every package, one line per type and member, checked in under docs/api/: a change to the
/// public API fails this test until the file is updated on purpose (T2F_UPDATE_PUBLIC_API=1 rewrites the files, and
/// the diff shows up in review).
/// </summary>
public class PublicApiTests
{
    private static readonly string[] Tracked =
    [
        "T2F.Core", "T2F.Data", "T2F.Metrics", "T2F.Training", "T2F.Orleans", "T2F.Models.MiniLM", "T2F.Models.FaceApi", "T2F.Models.ResNet18", "T2F.Models.SynthFaces", "T2F.Models.SynthFacesAttributes",
    ];

    public static TheoryData<string> Assemblies => new(Tracked);

    [Fact]
    public void EveryPackageUnderSrcIsTracked()
    {
        var tracked = Tracked.ToHashSet(StringComparer.Ordinal);
        var packages = Directory.GetDirectories(Path.Combine(RepoPaths.RepoRoot, "src")).Select(Path.GetFileName).Where(name => File.Exists(Path.Combine(RepoPaths.RepoRoot, "src", name!, name + ".csproj")));
        Assert.All(packages, name => Assert.True(tracked.Contains(name!), $"src/{name} is a package whose public API is not tracked: add it to PublicApiTests.Assemblies."));
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void ThePublicApiIsTheApprovedOne(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        string actual = Describe(assembly);
        string path = Path.Combine(RepoPaths.RepoRoot, "docs", "api", assemblyName + ".txt");
        if (Environment.GetEnvironmentVariable("T2F_UPDATE_PUBLIC_API") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with T2F_UPDATE_PUBLIC_API=1 and commit it.");
        var approved = File.ReadAllLines(path).ToHashSet(StringComparer.Ordinal);
        var now = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var added = now.Except(approved).Order(StringComparer.Ordinal).Take(20).ToList();
        var removed = approved.Except(now).Order(StringComparer.Ordinal).Take(20).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"The public API of {assemblyName} changed. Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}\n" +
            "If that is intended, run the tests with T2F_UPDATE_PUBLIC_API=1 and commit docs/api/.");
    }

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().Where(t => !t.Name.Contains('<')))
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";
            string bases = string.Join(", ", new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)).Concat(type.GetInterfaces().Where(i => i.IsVisible)).Select(b => Name(b!)).Order(StringComparer.Ordinal));
            string typeName = Name(type);
            lines.Add($"{kind} {typeName}{(bases.Length > 0 ? " : " + bases : string.Empty)}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                string? line = member switch
                {
                    _ when member.Name.Contains('<') => null,
                    ConstructorInfo c when Visible(c) => $"{typeName}({Parameters(c)})",
                    MethodInfo m when Visible(m) && !m.IsSpecialName => $"{typeName}.{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}{(m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(Name)) + ">" : string.Empty)}({Parameters(m)})",
                    PropertyInfo p when (p.GetMethod is { } g && Visible(g)) || (p.SetMethod is { } s && Visible(s)) => $"{typeName}.{Name(p.PropertyType)} {p.Name} {{{(p.GetMethod is { } pg && Visible(pg) ? " get;" : string.Empty)}{(p.SetMethod is { } ps && Visible(ps) ? (ps.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? " init;" : " set;") : string.Empty)} }}",
                    FieldInfo f when (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !type.IsEnum => $"{typeName}.{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
                    FieldInfo f when f.IsPublic && type.IsEnum && f.IsLiteral => $"{typeName}.{f.Name} = {f.GetRawConstantValue()}",
                    EventInfo e when e.AddMethod is { } a && Visible(a) => $"{typeName}.event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line is not null)
                {
                    lines.Add(line);
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (string line in lines.Distinct())
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p => $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty)}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type t)
    {
        if (t.IsByRef)
        {
            return Name(t.GetElementType()!);
        }

        if (t.IsArray)
        {
            return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        }

        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is null ? t.Name : t.Namespace + "." + t.Name);
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        var args = t.IsGenericType ? t.GetGenericArguments().Skip(t.IsNested ? t.DeclaringType!.GetGenericArguments().Length : 0).ToArray() : [];
        return args.Length == 0 ? name : $"{name}<{string.Join(", ", args.Select(Name))}>";
    }
}
