using System.CommandLine;
using T2F.Core.Pipeline;
using T2F.Models.SynthFaces;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

/// <summary>--model DIR (a bundle folder, default: the embedded default model) and --threads N.</summary>
internal static class ModelArguments
{
    /// <summary>Loads the model --model names (see <see cref="ModelFolder"/>).</summary>
    public static TextToFacePipeline Load(string? folder)
        => folder is null ? TextToFacePipeline.LoadDefault() : T2F.Models.MiniLM.MiniLM.LoadPipeline(folder);

    /// <summary>--model DIR: a folder that exists, or <c>default</c>; checked while parsing, so a typo exits 2 before anything starts.</summary>
    public static Option<string?> Model()
        => SampleOptions.Parsed("--model", "DIR", "a model bundle folder; on a cluster, the same on every silo (default: the embedded default model)", "an existing model bundle folder (leave --model out for the default model)",
            text => text == "default" || Directory.Exists(text) ? text : null);

    /// <summary>The --model folder as a full path, null for the default model.</summary>
    public static string? ModelFolder(string? model) => model is null || model == "default" ? null : Path.GetFullPath(model);

    /// <summary>--threads N: shards generated at once, one libtorch thread each.</summary>
    public static Option<int?> Threads(string defaultValue)
        => SampleOptions.Threads($"shards generated at once, one libtorch thread each (default: {defaultValue}); the bytes do not depend on it");
}
