using T2F.Core.Pipeline;

namespace T2F.Models.SynthFaces;

/// <summary>
/// <c>TextToFacePipeline.LoadDefault()</c>: the pipeline type gains a static factory for the embedded default model
/// wherever this package is referenced (T2F.Core itself ships no weights).
/// </summary>
public static class TextToFacePipelineDefaults
{
    extension(TextToFacePipeline)
    {
        /// <summary>Loads the embedded default model (<see cref="SynthFacesModel.LoadPipeline"/>): no file, no network.</summary>
        /// <returns>The pipeline; dispose it.</returns>
        public static TextToFacePipeline LoadDefault() => SynthFacesModel.LoadPipeline();
    }
}
