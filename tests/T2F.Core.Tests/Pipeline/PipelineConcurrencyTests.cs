using T2F.Core.Generation;
using T2F.Core.Pipeline;
using T2F.Core.Projection;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Tests.Text;
using static TorchSharp.torch;
using Xunit;

namespace T2F.Core.Tests.Pipeline;

/// <summary>One pipeline (and one MiniLM encoder) shared by 8 threads gives the bytes of sequential calls.</summary>
[Collection(MiniLMCollection.Name)]
public class PipelineConcurrencyTests(MiniLMFixture miniLM)
{
    private const int Threads = 8;
    private const int CallsPerThread = 4;

    private static string Description(int thread, int call) => $"Person {thread}-{call} has {(call % 2 == 0 ? "wavy" : "straight")} hair and is {(thread % 2 == 0 ? "smiling" : "serious")}.";

    [Fact]
    public void EightThreadsSharingOnePipelineGetTheBytesOfSequentialCalls()
    {
        using var scope = NewDisposeScope();
        // No mean latent yet: the first truncated calls race to compute it, which must happen once.
        using var pipeline = TinyPipeline.Create();
        byte[] Call(int thread, int call)
        {
            var faces = pipeline.Generate(Description(thread, call), new GenerationOptions { FacesPerDescription = 2, Seed = (thread * 10) + call, Truncation = 0.7f });
            byte[] bytes = faces.SelectMany(f => f.ToPng()).ToArray();
            foreach (var face in faces)
            {
                face.Dispose();
            }

            return bytes;
        }

        var concurrent = RunOnThreads(Call);
        for (int t = 0; t < Threads; t++)
        {
            for (int c = 0; c < CallsPerThread; c++)
            {
                Assert.True(concurrent[t][c].AsSpan().SequenceEqual(Call(t, c)), $"thread {t} call {c} differs from the sequential call");
            }
        }
    }

    [Fact]
    public void EightThreadsSharingOneMiniLMEncoderGetTheEmbeddingsOfSequentialCalls()
    {
        float[] Call(int thread, int call)
        {
            using var embedding = miniLM.Encoder.Encode(new[] { Description(thread, call), "A second sentence in the batch." });
            return embedding.data<float>().ToArray();
        }

        var concurrent = RunOnThreads(Call);
        for (int t = 0; t < Threads; t++)
        {
            for (int c = 0; c < CallsPerThread; c++)
            {
                Assert.Equal(Call(t, c), concurrent[t][c]);
            }
        }
    }

    [Fact]
    public void TwoWritersSavingToOneFolderLeaveOneWholeBundleNeverAMix()
    {
        using var scope = NewDisposeScope();
        using var a = TinyPipeline.Create(seed: 1, hidden: 32);
        using var b = TinyPipeline.Create(seed: 2, hidden: 48);
        string root = Directory.CreateTempSubdirectory("t2f-bundle-race").FullName;
        try
        {
            string folder = Path.Combine(root, "bundle");
            for (int round = 0; round < 10; round++)
            {
                using var start = new Barrier(2);
                var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
                var writers = new[] { a, b }.Select(p => new Thread(() =>
                {
                    start.SignalAndWait();
                    try
                    {
                        p.Save(folder);
                    }
                    catch (Exception e)
                    {
                        errors.Enqueue(e);
                    }
                })).ToList();
                writers.ForEach(w => w.Start());
                writers.ForEach(w => w.Join());
                Assert.Empty(errors);

                // The folder is one writer's bundle: its manifest, projector and generator belong together.
                using var loaded = TextToFacePipeline.Load(folder, new HashTextEncoder(32));
                var expected = ((MlpLatentProjector)loaded.Projector).Config.HiddenSize == 32 ? a : b;
                foreach (var (name, tensor) in ((StyleGan2Model)expected.Generator).Generator.state_dict())
                {
                    Assert.True(tensor.allclose(((StyleGan2Model)loaded.Generator).Generator.state_dict()[name], rtol: 0, atol: 0), $"round {round}: {name} is not from the writer whose projector the folder holds");
                }

                Assert.Equal(new[] { "bundle" }, Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName));
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    // Starts all threads at once (a barrier) and returns result[thread][call].
    private static T[][] RunOnThreads<T>(Func<int, int, T> call)
    {
        var results = new T[Threads][];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[t] = Enumerable.Range(0, CallsPerThread).Select(c => call(t, c)).ToArray();
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        return results;
    }
}
