using T2F.Core.Pipeline;
using T2F.Core.Projection;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Pipeline;

// Serial: measures the process's resident memory, which tests running beside it would move.
[Collection(ProcessWideStateCollection.Name)]
public class PipelineMemoryTests
{
    private const long Budget = 50L << 20;

    [Fact]
    public void ResidentMemoryStaysFlatOverAThousandGenerations()
    {
        using var scope = NewDisposeScope();
        using var pipeline = TinyPipeline.Create();
        void Call(int i)
        {
            var faces = pipeline.Generate($"Face {i} has wavy hair.", new GenerationOptions { FacesPerDescription = 2, Seed = i, Truncation = 0.8f });
            _ = faces[0].ToPng();
            foreach (var face in faces)
            {
                face.Dispose();
            }
        }

        for (int i = 0; i < 100; i++)
        {
            Call(i);
        }

        long before = ProcessMemory.ResidentBytesAfterCollection();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 1000; i++)
        {
            Call(i);
        }

        long growth = ProcessMemory.ResidentBytesAfterCollection() - before;
        // Small images would hide a small leak in the resident set: count the live tensors too.
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.True(growth < Budget, $"resident memory grew by {growth >> 20} MB over 1,000 generations (budget {Budget >> 20} MB)");
    }
}
