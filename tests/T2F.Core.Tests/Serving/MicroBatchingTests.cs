using T2F.Core.Pipeline;
using T2F.Core.Serving;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Serving;

// Serial: ResidentMemoryStaysFlatOverTwoThousandBatchedRequestsAtConcurrency16 measures the process's resident memory.
[Collection(ProcessWideStateCollection.Name)]
public class MicroBatchingTests
{
    // Different seeds, face counts (one larger than a batch), truncation and variation: nothing a batch-mate may change.
    private static readonly (string Text, GenerationOptions Options)[] Requests =
    {
        ("a woman with wavy hair", new GenerationOptions { Seed = 1 }),
        ("a man with a beard", new GenerationOptions { Seed = 2, FacesPerDescription = 3 }),
        ("a smiling young man", new GenerationOptions { Seed = 3, Truncation = 0.7f }),
        ("an old woman", new GenerationOptions { Seed = 4, FacesPerDescription = 2, Variation = 0 }),
        ("a man with eyeglasses", new GenerationOptions { Seed = 5, FacesPerDescription = 6, Truncation = 0.5f }),
        ("a bald man", new GenerationOptions { Seed = 6, Variation = 1.5f }),
        ("a woman wearing a hat", new GenerationOptions { Seed = 1 }),
    };

    private static float[][] Pixels(IReadOnlyList<GeneratedFace> faces)
    {
        var result = faces.Select(f => f.Image.contiguous().data<float>().ToArray()).ToArray();
        foreach (var face in faces)
        {
            face.Dispose();
        }

        return result;
    }

    [Fact]
    public async Task EachRequestGetsTheSameBytesWhicheverRequestsShareItsBatchAndWhereverItLands()
    {
        using var pipeline = TinyPipeline.Create();
        using var service = new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 4, MaxBatchDelay = TimeSpan.FromMilliseconds(100) });

        var alone = new List<float[][]>();
        foreach (var (text, options) in Requests)
        {
            alone.Add(Pixels(await service.GenerateAsync(text, options)));
        }

        Assert.Equal(Requests.Length, service.Statistics.Batches); // one at a time: one batch each

        var together = await Task.WhenAll(Requests.Select(r => service.GenerateAsync(r.Text, r.Options)));
        var reversed = await Task.WhenAll(Requests.Reverse().Select(r => service.GenerateAsync(r.Text, r.Options)));
        var statistics = service.Statistics;
        Assert.True(statistics.Batches < 3 * Requests.Length, $"{statistics.Batches} batches for {3 * Requests.Length} requests: concurrent requests were not batched");

        for (int i = 0; i < Requests.Length; i++)
        {
            var inBatch = Pixels(together[i]);
            var inReversed = Pixels(reversed[Requests.Length - 1 - i]);
            Assert.Equal(alone[i].Length, Requests[i].Options.FacesPerDescription);
            for (int k = 0; k < alone[i].Length; k++)
            {
                Assert.True(alone[i][k].AsSpan().SequenceEqual(inBatch[k]), $"request {i} face {k}: bytes changed with its batch-mates");
                Assert.True(alone[i][k].AsSpan().SequenceEqual(inReversed[k]), $"request {i} face {k}: bytes changed with its position in the batch");
            }
        }
    }

    [Fact]
    public async Task BatchedFacesAreTheFacesOfADirectCallUpToFloatRounding()
    {
        using var scope = NewDisposeScope();
        using var pipeline = TinyPipeline.Create();
        using var service = new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 8 });
        var served = await Task.WhenAll(Requests.Select(r => service.GenerateAsync(r.Text, r.Options)));
        for (int i = 0; i < Requests.Length; i++)
        {
            var direct = pipeline.Generate(Requests[i].Text, Requests[i].Options);
            Assert.Equal(direct.Count, served[i].Count);
            for (int k = 0; k < direct.Count; k++)
            {
                // Same projection, truncation, variation and noise; only the synthesis batch shape differs.
                TensorAssert.Close(direct[k].Image, served[i][k].Image, 1e-4, 1e-4, $"request {i} face {k}");
                Assert.Equal(Requests[i].Text, served[i][k].Description);
                Assert.Equal(k, served[i][k].Index);
                direct[k].Dispose();
                served[i][k].Dispose();
            }
        }
    }

    [Fact]
    public async Task BadRequestsFailAloneAndSettingsAreChecked()
    {
        using var pipeline = TinyPipeline.Create();
        using var service = new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 4, MaxBatchDelay = TimeSpan.FromMilliseconds(50) });
        var good = service.GenerateAsync("a man", new GenerationOptions { Seed = 1 });
        await Assert.ThrowsAsync<ArgumentException>(() => service.GenerateAsync("   "));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.GenerateAsync("a man", new GenerationOptions { Variation = float.NaN }));
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.GenerateAsync("a woman", cancellationToken: cancelled.Token));
        }

        Assert.Single(Pixels(await good));
        Assert.Equal(0, service.Pending);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 65 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchDelay = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task ResidentMemoryStaysFlatOverTwoThousandBatchedRequestsAtConcurrency16()
    {
        using var pipeline = TinyPipeline.Create();
        using var service = new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 8, MaxQueueLength = 64 });
        async Task Run(int requests)
        {
            int next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
            {
                for (int i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                {
                    var faces = await service.GenerateAsync($"Face {i % 8} has wavy hair.", new GenerationOptions { Seed = i, FacesPerDescription = 1 + (i % 3), Truncation = 0.8f });
                    _ = faces[0].ToPng();
                    foreach (var face in faces)
                    {
                        face.Dispose();
                    }
                }
            }));
        }

        await Run(200);
        long before = ProcessMemory.ResidentBytesAfterCollection();
        await Run(2000);
        long growth = ProcessMemory.ResidentBytesAfterCollection() - before;
        Assert.True(growth < 64L << 20, $"resident memory grew by {growth >> 20} MB over 2,000 batched requests (budget 64 MB)");
        Assert.True(service.Statistics.MeanRequestsPerBatch > 1.5, $"{service.Statistics.MeanRequestsPerBatch:F2} requests per batch at concurrency 16: requests were not batched");
        Assert.Equal(0, service.Pending);
    }

    [Fact]
    public void BatchingAnotherKindOfGeneratorIsRefusedWithTheFix()
    {
        using var tiny = TinyPipeline.Create();
        using var pipeline = new TextToFacePipeline(new HashTextEncoder(32), tiny.Projector is T2F.Core.Projection.MlpLatentProjector p ? new T2F.Core.Projection.MlpLatentProjector(p.Config) : throw new InvalidOperationException(), new WrappedGenerator((T2F.Core.Generation.StyleGan2Model)tiny.Generator), "hash-32", ownsEncoder: true);
        var refused = Assert.Throws<ArgumentException>(() => new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 2 }));
        Assert.Contains("MaxBatchFaces = 1", refused.Message, StringComparison.Ordinal);
        using var unbatched = new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxBatchFaces = 1 });
    }

    // Any IStyleGenerator other than StyleGan2Model (here one that forwards to it, never disposing it).
    private sealed class WrappedGenerator(T2F.Core.Generation.StyleGan2Model inner) : T2F.Core.Generation.IStyleGenerator
    {
        public int Resolution => inner.Resolution;

        public int StyleSize => inner.StyleSize;

        public int LatentCount => inner.LatentCount;

        public Tensor Map(Tensor z) => inner.Map(z);

        public Tensor Synthesize(Tensor latents, T2F.Core.Generation.SynthesisOptions? options = null) => inner.Synthesize(latents, options);

        public void Dispose()
        {
        }
    }
}
