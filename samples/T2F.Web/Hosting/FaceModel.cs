using T2F.Core.Pipeline;
using TorchSharp;

namespace T2F.Web.Hosting;

/// <summary>Loads the pipeline the server serves, once, from <see cref="FaceServerOptions.Model"/>.</summary>
public static class FaceModel
{
    /// <summary>Loads the bundle with the MiniLM encoder (the one every bundle of this project is trained with).</summary>
    /// <param name="options">Validated options.</param>
    /// <returns>The pipeline (the DI container disposes it at shutdown).</returns>
    /// <exception cref="InvalidOperationException">No model was configured.</exception>
    public static TextToFacePipeline Load(FaceServerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            throw new InvalidOperationException("no model to serve: pass --model BUNDLE_DIR (a folder with model.json, as 'T2F.Train bundle' or training/synthfaces64.sh writes it).");
        }

        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        return T2F.Models.MiniLM.MiniLM.LoadPipeline(options.Model);
    }
}
