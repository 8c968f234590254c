using BenchmarkDotNet.Attributes;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using TorchSharp;

namespace T2F.Benchmarks;

/// <summary>
/// The embedded default model end to end, as an app calls it: description -> MiniLM embedding -> projector -> 64x64
/// StyleGAN2 image (PNG encoding excluded), truncation 0.7, the default variation. Batch 1 is the latency of one
/// face; batch 16 is one description with 16 faces (the table's time divided by 16 is the time per face).
///   dotnet run -c Release --project benchmarks/T2F.Benchmarks -- --filter '*DefaultModelBenchmarks*'
/// </summary>
[Config(typeof(LongRunningConfig))]
public class DefaultModelBenchmarks
{
    private TextToFacePipeline pipeline = null!;
    private int seed;

    /// <summary>Faces per call.</summary>
    [Params(1, 16)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("T2F_TORCH_THREADS"), out int threads) && threads > 0)
        {
            torch.set_num_threads(threads);
        }

        // Printed because it decides the result: libtorch's threads and the cores this process may run on.
        Console.WriteLine($"// libtorch threads {torch.get_num_threads()}, processor affinity {(OperatingSystem.IsLinux() || OperatingSystem.IsWindows() ? $"0x{System.Diagnostics.Process.GetCurrentProcess().ProcessorAffinity:X}" : "n/a")}, {Environment.ProcessorCount} processors");
        pipeline = TextToFacePipeline.LoadDefault();
        Generate(); // libtorch's lazy set-up and the mapped mean w, outside the measurement
    }

    [GlobalCleanup]
    public void Cleanup() => pipeline.Dispose();

    /// <summary>One call: a new seed each time, so no cache could help.</summary>
    [Benchmark]
    public int Generate()
    {
        var faces = pipeline.Generate("The woman has wavy blond hair and is smiling.", new GenerationOptions { FacesPerDescription = Batch, Seed = seed++, Truncation = 0.7f });
        foreach (var face in faces)
        {
            face.Dispose();
        }

        return faces.Count;
    }
}
