using T2F.Core.Cuda;
using Xunit;

namespace T2F.Core.Tests.Cuda;

public class KernelSourcesTests
{
    [Fact]
    public void EveryCudaSourceOfTheOpFoldersIsEmbedded()
    {
        string ops = Path.Combine(RepoRoot(), "src", "T2F.Core", "Ops");
        var onDisk = Directory.GetFiles(ops, "*.cu", SearchOption.AllDirectories).ToDictionary(f => Path.GetFileName(f), StringComparer.Ordinal);
        Assert.Equal(onDisk.Keys.OrderBy(n => n, StringComparer.Ordinal), KernelSources.Names);
        foreach (var name in KernelSources.Names)
        {
            Assert.Equal(File.ReadAllText(onDisk[name]), KernelSources.Read(name));
        }
    }

    [Fact]
    public void KernelsLiveInTheirOpsFolderAndNoneOutsideIt()
    {
        // One folder per op: each op's kernels beside its launcher; native/ holds no CUDA source.
        string ops = Path.Combine(RepoRoot(), "src", "T2F.Core", "Ops");
        Assert.True(File.Exists(Path.Combine(ops, "BiasAct", "bias_act.cu")));
        Assert.True(File.Exists(Path.Combine(ops, "UpFirDn2d", "upfirdn2d.cu")));
        Assert.True(File.Exists(Path.Combine(ops, "ModulatedConv", "modconv.cu")));
        Assert.True(File.Exists(Path.Combine(ops, "ModulatedConv", "modulate.cu")));
        Assert.Empty(Directory.GetFiles(Path.Combine(RepoRoot(), "native"), "*.cu", SearchOption.AllDirectories));
    }

    [Fact]
    public void TheKernelsTheLauncherCallsAreDeclared()
    {
        var declared = KernelSources.KernelNames(KernelSources.Combined());
        foreach (var expected in new[] { "t2f_bias_act_forward", "t2f_bias_act_backward", "t2f_bias_grad", "t2f_modulate_weights", "t2f_modconv_direct", "t2f_modconv_transpose2x", "t2f_upfirdn2d" })
        {
            Assert.Contains(expected, declared);
        }
    }

    [Fact]
    public void UnknownSourceGivesAClearError()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => KernelSources.Read("nope.cu"));
        Assert.Contains("bias_act.cu", ex.Message);
    }

    private static string RepoRoot() => T2F.Core.Tests.TestSupport.RepoPaths.RepoRoot;
}
