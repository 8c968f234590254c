namespace T2F.Core.Data.SynthFaces;

/// <summary>Options of <see cref="SynthFacesWriter.Write"/>.</summary>
public sealed record SynthFacesOptions
{
    /// <summary>Number of faces (default 1000).</summary>
    public int Count { get; init; } = 1000;

    /// <summary>Image width and height in pixels (default 64; 32 to 1024 is the useful range).</summary>
    public int Size { get; init; } = 64;

    /// <summary>Data set seed: face i is <see cref="SynthFaceSampler.Sample(long, long)"/>(Seed, i).</summary>
    public long Seed { get; init; }

    /// <summary>Descriptions written per image (default 5; 0 writes no caption file).</summary>
    public int CaptionsPerImage { get; init; } = 5;

    /// <summary>Rendering threads; 0 (default) uses <see cref="Environment.ProcessorCount"/>. The output does not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Index of the first face (default 0), to render a slice of a larger set.</summary>
    public long FirstIndex { get; init; }
}
