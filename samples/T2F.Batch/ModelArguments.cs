using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary>--model DIR (a bundle folder, default: the embedded default model) and --threads N.</summary>
internal static class ModelArguments
{
    /// <summary>Loads the model --model names (checked by <see cref="ModelFolder"/> first).</summary>
    public static TextToFacePipeline Load(string? folder)
        => folder is null ? TextToFacePipeline.LoadDefault() : T2F.Models.MiniLM.MiniLM.LoadPipeline(folder);

    /// <summary>The --model folder, null for the default model.</summary>
    /// <exception cref="ArgumentException">The folder does not exist.</exception>
    public static string? ModelFolder(Dictionary<string, string> o)
    {
        string? model = o.GetValueOrDefault("model");
        if (model is null || model == "default")
        {
            return null;
        }

        return Directory.Exists(model) ? Path.GetFullPath(model) : throw new ArgumentException($"--model {model}: no such folder; give a model bundle folder or leave --model out for the default model.");
    }

    /// <summary>--threads N, default <paramref name="fallback"/>.</summary>
    public static int Threads(Dictionary<string, string> o, int fallback) => CommandLineOptions.Int(o, "threads", fallback, 1);
}
