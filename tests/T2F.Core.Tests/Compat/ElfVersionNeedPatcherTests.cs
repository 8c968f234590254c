using T2F.Compat;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Compat;

public class ElfVersionNeedPatcherTests
{
    [Fact]
    public void MarksOnlyTheRequestedVersionWeak()
    {
        var elf = SyntheticElf.Build(SyntheticElf.Base);
        var before = (byte[])elf.Clone();
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.Patch(elf));

        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(elf);
        Assert.True(needs.Single(n => n.Version == SyntheticElf.Weakable).IsWeak);
        Assert.False(needs.Single(n => n.Version == SyntheticElf.Base).IsWeak);
        Assert.Equal("libstdc++.so.6", needs[0].File);

        // Exactly one byte (the low byte of vna_flags) changes.
        Assert.Single(Enumerable.Range(0, elf.Length), i => elf[i] != before[i]);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.Patch(elf));
    }

    [Fact]
    public void RefusesWhenAnotherSymbolNeedsTheVersion()
    {
        var elf = SyntheticElf.Build(SyntheticElf.Weakable);
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Patch(elf));
        Assert.Contains(SyntheticElf.OtherSymbol, ex.Message);
    }

    [Fact]
    public void ReportsWhenTheVersionIsNotRequired()
    {
        var elf = SyntheticElf.Build(SyntheticElf.Base);
        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionNeedPatcher.Patch(elf, "GLIBCXX_9.9.9"));
    }

    [Fact]
    public void RejectsNonElfAndTruncatedFiles()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Patch(System.Text.Encoding.ASCII.GetBytes("#!/bin/sh\necho not an ELF file at all, just text padding it out\n")));
        var elf = SyntheticElf.Build(SyntheticElf.Base);
        var truncated = elf.AsSpan(0, elf.Length - 100).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Patch(truncated));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void PatchFileReplacesTheFileAndLeavesHardLinkedOriginalsAlone()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-elf").FullName;
        try
        {
            string original = Path.Combine(dir, "cache.so");
            string copy = Path.Combine(dir, "libLibTorchSharp.so");
            File.WriteAllBytes(original, SyntheticElf.Build(SyntheticElf.Base));
            Assert.Equal(0, Link(original, copy));

            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.PatchFile(copy));
            Assert.True(ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(copy)).Single(n => n.Version == SyntheticElf.Weakable).IsWeak);
            Assert.False(ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(original)).Single(n => n.Version == SyntheticElf.Weakable).IsWeak);
            // The hard link was broken by the atomic replace, and no temp file is left behind.
            Assert.Equal(new[] { "cache.so", "libLibTorchSharp.so" }, Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(s => s, StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BuildOutputCopyOfLibTorchSharpLoadsHere()
    {
        // The build step ran on this output folder: if this machine's libstdc++ lacks the version, the copy must be weak.
        string lib = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.True(File.Exists(lib), $"{lib} missing");
        string? system = ElfVersionNeedPatcher.FindSystemLibStdCxx();
        bool systemHasIt = system is not null && ElfVersionNeedPatcher.LibraryProvidesVersion(system, ElfVersionNeedPatcher.DefaultVersion);
        var need = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(lib)).Where(n => n.Version == ElfVersionNeedPatcher.DefaultVersion).ToList();
        if (!systemHasIt)
        {
            Assert.All(need, n => Assert.True(n.IsWeak));
        }

        // And a tensor op runs (TorchSharp loaded).
        using var t = TorchSharp.torch.ones(2, 2).sum();
        Assert.Equal(4f, t.item<float>());
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string newPath);
}
