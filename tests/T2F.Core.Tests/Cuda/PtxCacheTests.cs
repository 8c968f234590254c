using T2F.Core.Cuda;
using Xunit;

namespace T2F.Core.Tests.Cuda;

public class PtxCacheTests
{
    private sealed class CountingCompiler(string version = "fake 1.0") : IPtxCompiler
    {
        public int Calls { get; private set; }

        public string Version { get; } = version;

        public string CompileToPtx(string source, string name, string architecture, IReadOnlyList<string> options)
        {
            Calls++;
            return $"// {architecture}\n.visible .entry k_{source.Length}()\n{{\n}}\n";
        }
    }

    [Fact]
    public void CompilesOnceThenReadsTheCache()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-ptx").FullName;
        try
        {
            var cache = new PtxCache(dir);
            var compiler = new CountingCompiler();
            string a = cache.GetOrCompile(compiler, "src", "p.cu", "compute_90", Array.Empty<string>());
            string b = new PtxCache(dir).GetOrCompile(compiler, "src", "p.cu", "compute_90", Array.Empty<string>());
            Assert.Equal(a, b);
            Assert.Equal(1, compiler.Calls);
            Assert.Single(Directory.GetFiles(dir));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void KeyDependsOnSourceArchitectureOptionsAndCompiler()
    {
        string k = PtxCache.Key("src", "compute_90", new[] { "-O3" }, "nvrtc 13.0");
        Assert.Equal(64, k.Length);
        Assert.NotEqual(k, PtxCache.Key("src ", "compute_90", new[] { "-O3" }, "nvrtc 13.0"));
        Assert.NotEqual(k, PtxCache.Key("src", "compute_80", new[] { "-O3" }, "nvrtc 13.0"));
        Assert.NotEqual(k, PtxCache.Key("src", "compute_90", Array.Empty<string>(), "nvrtc 13.0"));
        Assert.NotEqual(k, PtxCache.Key("src", "compute_90", new[] { "-O3" }, "nvrtc 12.8"));
        Assert.Equal(k, PtxCache.Key("src", "compute_90", new[] { "-O3" }, "nvrtc 13.0"));
    }

    [Fact]
    public void ACorruptEntryIsRecompiled()
    {
        string dir = Directory.CreateTempSubdirectory("t2f-ptx").FullName;
        try
        {
            var compiler = new CountingCompiler();
            var cache = new PtxCache(dir);
            cache.GetOrCompile(compiler, "src", "p.cu", "compute_90", Array.Empty<string>());
            File.WriteAllText(Directory.GetFiles(dir).Single(), string.Empty);
            string again = cache.GetOrCompile(compiler, "src", "p.cu", "compute_90", Array.Empty<string>());
            Assert.Contains(".entry", again);
            Assert.Equal(2, compiler.Calls);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
