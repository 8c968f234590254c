namespace T2F.Core.Data.SynthFaces;

/// <summary>What <see cref="SynthFacesWriter.Write"/> produced.</summary>
/// <param name="Folder">The data set folder (CelebA layout).</param>
/// <param name="Count">Faces written.</param>
/// <param name="Elapsed">Wall time, rendering and writing.</param>
public sealed record SynthFacesResult(string Folder, int Count, TimeSpan Elapsed)
{
    /// <summary>Faces per second, including PNG encoding and file writes.</summary>
    public double ImagesPerSecond => Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
