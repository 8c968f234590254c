using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;
using T2F.Core.Serving;
using T2F.Core.Tests.TestSupport;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Serving;

public class TextToFaceServiceTests
{
    // A generator that holds every synthesis until released, so the test controls what is running and waiting.
    private sealed class GatedGenerator : IStyleGenerator
    {
        private int running;

        public SemaphoreSlim Gate { get; } = new(0);

        public int MaxRunning { get; private set; }

        public int Started;

        public int Resolution => 2;

        public int StyleSize => 4;

        public int LatentCount => 2;

        public Tensor Map(Tensor z) => z.clone();

        public Tensor Synthesize(Tensor latents, SynthesisOptions? options = null)
        {
            int now = Interlocked.Increment(ref running);
            lock (Gate)
            {
                MaxRunning = Math.Max(MaxRunning, now);
            }

            Interlocked.Increment(ref Started);
            Gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref running);
            return latents.mean(new long[] { 1, 2 }).view(-1, 1, 1, 1).expand(-1, 3, 2, 2).contiguous();
        }

        public void Dispose() => Gate.Dispose();
    }

    private static TextToFacePipeline Pipeline(IStyleGenerator generator)
        => new(new HashTextEncoder(8), new MlpLatentProjector(new LatentProjectorConfig(8, 4, 2, LatentSpace.WPlus, 8, 1, 2)), generator, "hash-8", ownsEncoder: true);

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "timed out");
    }

    [Fact]
    public async Task ConcurrencyAndQueueAreBoundedAndAFullQueueRefusesAtOnce()
    {
        var generator = new GatedGenerator();
        using var service = new TextToFaceService(Pipeline(generator), new TextToFaceServiceOptions { MaxConcurrency = 2, MaxQueueLength = 3 }, ownsPipeline: true);
        var requests = Enumerable.Range(0, 5).Select(i => service.GenerateAsync($"face {i}", new GenerationOptions { Seed = i })).ToList();
        await WaitUntil(() => generator.Started == 2);
        Assert.Equal(5, service.Pending);

        var busy = await Assert.ThrowsAsync<ServiceBusyException>(() => service.GenerateAsync("one too many"));
        Assert.Contains("busy", busy.Message);
        Assert.True(busy.RetryAfter >= TimeSpan.FromSeconds(1));

        generator.Gate.Release(5);
        foreach (var faces in await Task.WhenAll(requests))
        {
            Assert.Single(faces);
            faces[0].Dispose();
        }

        Assert.Equal(2, generator.MaxRunning);
        Assert.Equal(0, service.Pending);
    }

    [Fact]
    public async Task AWaitingRequestCanBeCancelledAndFreesItsPlace()
    {
        var generator = new GatedGenerator();
        using var service = new TextToFaceService(Pipeline(generator), new TextToFaceServiceOptions { MaxConcurrency = 1, MaxQueueLength = 1 }, ownsPipeline: true);
        var running = service.GenerateAsync("first");
        await WaitUntil(() => generator.Started == 1);
        using var cancel = new CancellationTokenSource();
        var waiting = service.GenerateAsync("second", cancellationToken: cancel.Token);
        await Assert.ThrowsAsync<ServiceBusyException>(() => service.GenerateAsync("third"));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, service.Pending);

        var fourth = service.GenerateAsync("fourth"); // the cancelled request's place is free again
        generator.Gate.Release(2);
        (await running)[0].Dispose();
        (await fourth)[0].Dispose();
        Assert.Equal(1, generator.MaxRunning);
    }

    [Fact]
    public async Task ResultsAreTheBytesOfDirectPipelineCallsAndLimitsAreChecked()
    {
        using var scope = NewDisposeScope();
        using var pipeline = TinyPipeline.Create();
        using var service = new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxConcurrency = 2, MaxFacesPerRequest = 4 });
        var options = new GenerationOptions { Seed = 9, FacesPerDescription = 2, Truncation = 0.8f };
        var served = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => service.GenerateAsync($"face {i % 3}", options)));
        for (int i = 0; i < 6; i++)
        {
            var direct = pipeline.Generate($"face {i % 3}", options);
            Assert.Equal(direct.SelectMany(f => f.ToPng()), served[i].SelectMany(f => f.ToPng()));
        }

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.GenerateAsync("too many", new GenerationOptions { FacesPerDescription = 5 }));
        await Assert.ThrowsAsync<ArgumentException>(() => service.GenerateAsync("   "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxConcurrency = 0 }));
    }

    [Fact]
    public async Task EditInterpolateAndMixServeTheBytesOfDirectPipelineCallsWithinTheFaceLimit()
    {
        using var scope = NewDisposeScope();
        using var pipeline = TinyPipeline.Create();
        using var service = new TextToFaceService(pipeline, new TextToFaceServiceOptions { MaxFacesPerRequest = 4 });
        var options = new GenerationOptions { Seed = 5, FacesPerDescription = 2 };

        static IEnumerable<byte> Bytes(IEnumerable<GeneratedFace> faces) => faces.SelectMany(f => f.ToPng());
        Assert.Equal(Bytes(pipeline.Edit("a man", "a man with eyeglasses", options, 0.5f)), Bytes(await service.EditAsync("a man", "a man with eyeglasses", options, 0.5f)));
        Assert.Equal(Bytes(pipeline.Interpolate("a man", "a woman", 4, options)), Bytes(await service.InterpolateAsync("a man", "a woman", 4, options)));
        Assert.Equal(Bytes(pipeline.Mix("a man", "a woman", 1, options)), Bytes(await service.MixAsync("a man", "a woman", 1, options)));

        // An edit returns two faces per requested face, so 3 faces (6 images) exceed a limit of 4; 5 frames too.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.EditAsync("a", "b", options with { FacesPerDescription = 3 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.InterpolateAsync("a", "b", 5, options));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.MixAsync("a", "b", crossover: 99, options));
        Assert.Equal(0, service.Pending);
    }
}
