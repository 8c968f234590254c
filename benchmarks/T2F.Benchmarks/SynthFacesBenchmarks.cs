using BenchmarkDotNet.Attributes;
using T2F.Core.Data.SynthFaces;

namespace T2F.Benchmarks;

/// <summary>
/// SynthFaces rendering: 256 faces per operation (times are per face), on one thread and on all cores, raw RGB and
/// PNG-encoded (what <see cref="SynthFacesWriter"/> does before writing the file).
/// </summary>
[MemoryDiagnoser(false)]
public class SynthFacesBenchmarks
{
    private const int Faces = 256;
    private SynthFace[] faces = null!;

    [Params(64, 256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => faces = Enumerable.Range(0, Faces).Select(i => SynthFaceSampler.Sample(0, i)).ToArray();

    [Benchmark(OperationsPerInvoke = Faces)]
    public int RgbOneThread()
    {
        int sum = 0;
        foreach (var face in faces)
        {
            sum += SynthFaceRenderer.RenderRgb24(face, Size)[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Faces)]
    public int RgbAllCores()
    {
        int sum = 0;
        Parallel.For(0, Faces, i => Interlocked.Add(ref sum, SynthFaceRenderer.RenderRgb24(faces[i], Size)[0]));
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Faces)]
    public int PngAllCores()
    {
        int sum = 0;
        Parallel.For(0, Faces, i => Interlocked.Add(ref sum, SynthFaceRenderer.RenderPng(faces[i], Size).Length));
        return sum;
    }
}
