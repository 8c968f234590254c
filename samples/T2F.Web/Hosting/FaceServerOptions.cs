namespace T2F.Web.Hosting;

/// <summary>
/// The <c>Faces</c> section of the configuration (appsettings.json, <c>Faces__Model</c>-style environment variables,
/// or <c>--model</c> / <c>--threads</c> on the command line): which model to serve and the limits of every request.
/// </summary>
public sealed class FaceServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Faces";

    /// <summary>A model bundle folder (model.json + weights, as <c>T2F.Train bundle</c> writes it); empty or <c>default</c>: the embedded default model.</summary>
    public string Model { get; set; } = "";

    /// <summary>libtorch threads (0: libtorch's default, one per core).</summary>
    public int Threads { get; set; }

    /// <summary>Generations that run at once; more mainly add latency on a CPU (each already uses every thread).</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>
    /// Faces rendered in one synthesis batch from generate requests that wait together (1: no batching). Each request's
    /// bytes stay the same whoever shares its batch (TextToFaceServiceOptions.MaxBatchFaces).
    /// </summary>
    public int MaxBatchFaces { get; set; } = 1;

    /// <summary>Requests that may wait for a slot; one more gets 503 with Retry-After.</summary>
    public int MaxQueueLength { get; set; } = 32;

    /// <summary>Longest description in characters (MiniLM reads 256 tokens; more text is not looked at).</summary>
    public int MaxTextLength { get; set; } = 1000;

    /// <summary>Most faces one request may ask for (an edit returns two images per face and may ask for half).</summary>
    public int MaxFaces { get; set; } = 8;

    /// <summary>Most frames of an interpolation.</summary>
    public int MaxFrames { get; set; } = 16;

    /// <summary>Largest request body in bytes; larger bodies get 413 before they are read.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Throws a one-line message for a value out of range.</summary>
    public void Validate()
    {
        Check(Threads, 0, 1024, "Threads");
        Check(MaxConcurrency, 1, 64, "MaxConcurrency");
        Check(MaxQueueLength, 0, 100_000, "MaxQueueLength");
        Check(MaxBatchFaces, 1, 64, "MaxBatchFaces");
        Check(MaxTextLength, 1, 100_000, "MaxTextLength");
        Check(MaxFaces, 2, 256, "MaxFaces");
        Check(MaxFrames, 2, 64, "MaxFrames");
        Check(MaxBodyBytes, 1024, 16 * 1024 * 1024, "MaxBodyBytes");
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{Section}:{name} must be in [{min}, {max}]; got {value}. Fix it in appsettings.json or the environment ({Section}__{name}).");
        }
    }
}
