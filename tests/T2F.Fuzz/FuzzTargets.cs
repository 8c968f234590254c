using System.Buffers.Binary;
using System.Text;
using T2F.Core.Checkpoints;
using T2F.Core.Data;
using T2F.Core.Imaging;
using T2F.Core.Metrics.FaceApi;
using T2F.Core.Pipeline;
using T2F.Core.Text;

namespace T2F.Fuzz;

/// <summary>
/// Every parser that reads bytes a user or a file controls, with the exceptions it documents for bad input. Any other
/// exception (IndexOutOfRange, NullReference, Overflow, OutOfMemory, ...) is a bug: the fuzzer reports it as a crash
/// and the replay test fails on it.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Target name -> parse the bytes (throwing only the documented exceptions).</summary>
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["safetensors"] = bytes => ViaFile(bytes, ".safetensors", path => SafeTensorsFile.Read(path)),
        ["torch"] = bytes => PyTorchCheckpoint.Load(new MemoryStream(bytes, writable: false), "fuzz.pt"),
        ["onnx"] = bytes => OnnxModel.Read(bytes, "fuzz.onnx"),
        ["tfjs-manifest"] = TfJsManifest,
        ["celeba-attributes"] = bytes => CelebAAttributeFile.Parse(Text(bytes), "fuzz_attr.txt"),
        ["celeba-partition"] = bytes => CelebAPartitionFile.Parse(Text(bytes), "fuzz_partition.txt"),
        ["captions"] = bytes => CaptionFiles.ParseText2FaceGan(Text(bytes), "fuzz_captions.txt"),
        ["bundle-manifest"] = BundleManifest,
        ["image"] = bytes => ViaFile(bytes, ".png", path => ImageFiles.LoadRgb24(path, out _, out _)),
    };

    /// <summary>Runs <paramref name="target"/> on <paramref name="bytes"/>; true when the input was accepted, false when it was rejected as documented.</summary>
    public static bool Run(string target, byte[] bytes)
    {
        try
        {
            All[target](bytes);
            return true;
        }
        catch (Exception e) when (IsDocumented(e))
        {
            return false;
        }
    }

    /// <summary>The exceptions the parsers document for malformed input.</summary>
    public static bool IsDocumented(Exception e) => e is CheckpointFormatException or DataFormatException or InvalidDataException;

    /// <summary>A small valid input for every target, made with the library's own writers where it has them.</summary>
    public static IReadOnlyDictionary<string, byte[]> Seeds()
    {
        var tensors = new Dictionary<string, TensorData>
        {
            ["conv.weight"] = TensorData.FromFloats([0.5f, -1f, 2f, 0f], [2, 2]),
            ["conv.bias"] = TensorData.FromFloats([1f], [1]),
        };
        var safetensors = ViaFile([], ".safetensors", path =>
        {
            SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
            return File.ReadAllBytes(path);
        });
        var torch = new MemoryStream();
        PyTorchCheckpointWriter.Save(torch, tensors.ToDictionary(p => (object)p.Key, p => (object?)p.Value), "archive");
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["safetensors"] = safetensors,
            ["torch"] = torch.ToArray(),
            ["onnx"] = MinimalOnnx(),
            ["tfjs-manifest"] = [.. Encoding.UTF8.GetBytes("[{\"paths\":[\"w.bin\"],\"weights\":[{\"name\":\"a\",\"shape\":[2,2],\"dtype\":\"float32\"},{\"name\":\"q\",\"shape\":[3],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.1,\"min\":-1.0}}]}]"), 0, .. new byte[19]],
            ["celeba-attributes"] = Encoding.UTF8.GetBytes("2\n5_o_Clock_Shadow Arched_Eyebrows Smiling\n000001.jpg -1  1  1\n000002.jpg  1 -1 -1\n"),
            ["celeba-partition"] = Encoding.UTF8.GetBytes("000001.jpg 0\n000002.jpg 1\n000003.jpg 2\n"),
            ["captions"] = Encoding.UTF8.GetBytes("000001.jpg\tThe woman has wavy hair and is smiling.\n000002.jpg\tThe man has a beard.\n"),
            ["bundle-manifest"] = Encoding.UTF8.GetBytes("{\"Format\":\"t2f-bundle/1\",\"TextEncoder\":\"fuzz-8\",\"EmbeddingSize\":8,\"StyleSize\":16,\"LatentCount\":6,\"Space\":\"WPlus\",\"HiddenSize\":32,\"Depth\":2,\"NoiseSize\":4,\"LayerNorm\":true,\"Dropout\":0,\"Resolution\":16}"),
            ["image"] = PngEncoder.EncodeRgb24([255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128], 2, 2),
        };
    }

    private static T ViaFile<T>(byte[] bytes, string extension, Func<string, T> read)
    {
        string path = Path.Combine(Path.GetTempPath(), $"t2f-fuzz-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}{extension}");
        File.WriteAllBytes(path, bytes);
        try
        {
            return read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The input is the manifest JSON, a zero byte, then the bytes every shard file holds.
    private static void TfJsManifest(byte[] bytes)
    {
        int split = Array.IndexOf(bytes, (byte)0);
        byte[] manifest = split < 0 ? bytes : bytes[..split];
        byte[] shard = split < 0 ? [] : bytes[(split + 1)..];
        TfJsWeightMap.Load(new MemoryStream(manifest, writable: false), _ => new MemoryStream(shard, writable: false), "fuzz-weights_manifest.json");
    }

    // A bundle folder holding only model.json: everything Load reads before the weights files is the manifest.
    private static void BundleManifest(byte[] bytes)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"t2f-fuzz-bundle-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "model.json"), bytes);
            using var pipeline = TextToFacePipeline.Load(folder, new NullEncoder(), "fuzz-8");
        }
        catch (FileNotFoundException e) when (Path.GetFileName(e.FileName) is "generator.safetensors" or "projector.safetensors")
        {
            // The manifest was accepted: Load went on to the weights, which this folder does not have.
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private sealed class NullEncoder : ITextEncoder
    {
        public int EmbeddingSize => 8;

        public TorchSharp.torch.Tensor Encode(IReadOnlyList<string> texts) => TorchSharp.torch.zeros(texts.Count, 8);

        public void Dispose()
        {
        }
    }

    private static StringReader Text(byte[] bytes) => new(Encoding.UTF8.GetString(bytes));

    // ModelProto { ir_version 7, graph { initializer { dims [2], data_type FLOAT, name "w", raw_data 8 bytes } } }.
    private static byte[] MinimalOnnx()
    {
        var raw = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(raw, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4), -2f);
        byte[] tensor = [0x08, 0x02, 0x10, 0x01, 0x42, 0x01, (byte)'w', 0x4A, 0x08, .. raw];
        byte[] graph = [0x2A, (byte)tensor.Length, .. tensor];
        return [0x08, 0x07, 0x3A, (byte)graph.Length, .. graph];
    }
}
