using System.Reflection;
using T2F.Core.Pipeline;

namespace T2F.Models.SynthFaces;

/// <summary>
/// The default text-to-face model: a 64x64 StyleGAN2 generator and an all-MiniLM-L6-v2 -> W+ projector, trained on
/// SynthFaces by <c>training/synthfaces64.sh</c> (see NOTICE.md), embedded in this assembly. Loading needs no file and
/// no network.
/// </summary>
public static class SynthFacesModel
{
    /// <summary>The manifest resource names are this prefix + the bundle file name.</summary>
    public const string ResourcePrefix = "T2F.Models.SynthFaces.";

    /// <summary>The bundle's files.</summary>
    public static IReadOnlyList<string> Files { get; } = ["model.json", "generator.safetensors", "projector.safetensors"];

    /// <summary>
    /// Loads the default pipeline: the embedded bundle with the MiniLM encoder it was trained with. Thread-safe to
    /// use from many threads once loaded (see <see cref="TextToFacePipeline"/>).
    /// </summary>
    /// <returns>The pipeline; dispose it.</returns>
    public static TextToFacePipeline LoadPipeline()
    {
        var encoder = T2F.Models.MiniLM.MiniLM.LoadEncoder();
        try
        {
            return TextToFacePipeline.Load(ReadFile, $"{typeof(SynthFacesModel).Assembly.GetName().Name} (embedded)", encoder, T2F.Models.MiniLM.MiniLM.EncoderName);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of one embedded bundle file (<see cref="Files"/>), or null for another name.</summary>
    /// <param name="file">The file name.</param>
    /// <returns>A new array, or null.</returns>
    public static byte[]? ReadFile(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        using Stream? stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null)
        {
            return null;
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
