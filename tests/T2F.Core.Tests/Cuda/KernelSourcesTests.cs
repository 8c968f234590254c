using T2F.Core.Cuda;
using Xunit;

namespace T2F.Core.Tests.Cuda;

public class KernelSourcesTests
{
    [Fact]
    public void EveryCudaSourceOfNativeCudaIsEmbedded()
    {
        var onDisk = Directory.GetFiles(Path.Combine(RepoRoot(), "native", "cuda"), "*.cu").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(onDisk, KernelSources.Names);
        foreach (var name in KernelSources.Names)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(RepoRoot(), "native", "cuda", name)), KernelSources.Read(name));
        }
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
