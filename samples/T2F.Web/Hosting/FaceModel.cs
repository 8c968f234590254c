using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using TorchSharp;

namespace T2F.Web.Hosting;

/// <summary>Loads the pipeline the server serves, once, from <see cref="FaceServerOptions.Model"/>.</summary>
public static class FaceModel
{
    /// <summary>
    /// Loads the embedded default model (no <see cref="FaceServerOptions.Model"/>, or <c>default</c>), or a bundle folder
    /// with the MiniLM encoder (the one every bundle of this project is trained with).
    /// </summary>
    /// <param name="options">Validated options.</param>
    /// <returns>The pipeline (the DI container disposes it at shutdown).</returns>
    public static TextToFacePipeline Load(FaceServerOptions options)
    {
        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        return string.IsNullOrWhiteSpace(options.Model) || options.Model == "default"
            ? TextToFacePipeline.LoadDefault()
            : T2F.Models.MiniLM.MiniLM.LoadPipeline(options.Model);
    }
}
