using System.Text.Json;

namespace T2F.Core.Tests.TestSupport;

/// <summary>The face-api golden folder (<c>T2F_FACEAPI_GOLDEN</c>, default <c>../shared/golden/faceapi</c>) and its manifest.</summary>
public sealed class FaceApiGolden
{
    private static readonly Lazy<FaceApiGolden> Shared = new(() => new FaceApiGolden());

    private FaceApiGolden()
    {
        Folder = RepoPaths.GoldenFolder("T2F_FACEAPI_GOLDEN", "../shared/golden/faceapi");
        Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement;
        string checksums = Manifest.GetProperty("weights_checksums").GetString()!;
        Checksums = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, checksums))).RootElement;
    }

    public static FaceApiGolden Instance => Shared.Value;

    public string Folder { get; }

    public JsonElement Manifest { get; }

    public JsonElement Checksums { get; }

    public IEnumerable<(string Name, JsonElement Case)> Cases => Manifest.GetProperty("cases").EnumerateObject().Select(p => (p.Name, p.Value));

    public string PathOf(string file) => Path.Combine(Folder, file);

    public float[] ReadFloats(string file)
    {
        var bytes = File.ReadAllBytes(PathOf(file));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
        return values;
    }

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
}
