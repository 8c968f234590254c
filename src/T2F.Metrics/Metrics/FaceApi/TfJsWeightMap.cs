using System.Text.Json;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// Reads TF.js weights: a <c>*-weights_manifest.json</c> (a JSON array of groups <c>{paths, weights}</c>) and its
/// binary shards, concatenated in manifest order with no padding. Quantised tensors are dequantised as the TF.js
/// loader does (<c>tfjs-core/src/io/io_utils.ts</c>): <c>float32(q · scale + min)</c> computed in double precision
/// for <c>uint8</c> and <c>uint16</c>, IEEE half for <c>float16</c>. Nothing in the files is executed.
/// </summary>
public sealed class TfJsWeightMap
{
    private readonly Dictionary<string, TfJsTensor> tensors;

    private TfJsWeightMap(string source, List<TfJsTensor> ordered)
    {
        Source = source;
        Ordered = ordered;
        tensors = ordered.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>What the weights were read from (for error messages).</summary>
    public string Source { get; }

    /// <summary>The tensors in manifest order.</summary>
    public IReadOnlyList<TfJsTensor> Ordered { get; }

    /// <summary>The tensor names.</summary>
    public IEnumerable<string> Names => Ordered.Select(t => t.Name);

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <param name="name">A manifest name.</param>
    /// <exception cref="KeyNotFoundException">No such tensor; the message lists what the file holds.</exception>
    public TfJsTensor this[string name] => tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"{Source}: no weight '{name}'. The manifest holds {tensors.Count} tensors: {string.Join(", ", tensors.Keys.Take(8))}, ...");

    /// <summary>Whether the map holds <paramref name="name"/>.</summary>
    /// <param name="name">A manifest name.</param>
    public bool Contains(string name) => tensors.ContainsKey(name);

    /// <summary>Reads a manifest file; its shards are looked up in the same folder.</summary>
    /// <param name="manifestPath">e.g. <c>model/face_recognition_model-weights_manifest.json</c>.</param>
    public static TfJsWeightMap Load(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        using var manifest = File.OpenRead(manifestPath);
        return Load(manifest, shard =>
        {
            string path = Path.Combine(folder, shard);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{manifestPath} names the weight file '{shard}', which is not in {folder}.", path);
            }

            return File.OpenRead(path);
        }, manifestPath);
    }

    /// <summary>Reads a manifest from a stream; <paramref name="openShard"/> opens each binary file it names.</summary>
    /// <param name="manifest">The manifest JSON.</param>
    /// <param name="openShard">Opens a shard by the relative path written in the manifest.</param>
    /// <param name="source">Used in error messages.</param>
    /// <exception cref="InvalidDataException">The manifest is malformed or the shards are too short or too long.</exception>
    public static TfJsWeightMap Load(Stream manifest, Func<string, Stream> openShard, string source)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(openShard);
        try
        {
            return LoadCore(manifest, openShard, source);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            // Not JSON, a field of the wrong kind or missing, text that is not UTF-8 (found by fuzzing: these escaped as
            // System.Text.Json's own exceptions).
            throw new InvalidDataException($"{source}: the manifest is malformed ({e.Message}); expected TF.js's weights_manifest.json layout.", e);
        }
    }

    private static TfJsWeightMap LoadCore(Stream manifest, Func<string, Stream> openShard, string source)
    {
        using var doc = JsonDocument.Parse(manifest);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source}: a TF.js weights manifest is a JSON array of groups; found {doc.RootElement.ValueKind}.");
        }

        var result = new List<TfJsTensor>();
        long globalOffset = 0;
        foreach (var group in doc.RootElement.EnumerateArray())
        {
            var bytes = new MemoryStream();
            foreach (var path in group.GetProperty("paths").EnumerateArray())
            {
                using var shard = openShard(path.GetString() ?? throw new InvalidDataException($"{source}: a shard path is null."));
                shard.CopyTo(bytes);
            }

            var data = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
            int offset = 0;
            foreach (var weight in group.GetProperty("weights").EnumerateArray())
            {
                string name = weight.GetProperty("name").GetString() ?? throw new InvalidDataException($"{source}: a weight has no name.");
                var shape = weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                string dtype = weight.GetProperty("dtype").GetString() ?? "float32";
                long count = shape.Aggregate(1L, (p, s) => p * s);
                string? quantDtype = null;
                double scale = 0, min = 0;
                if (weight.TryGetProperty("quantization", out var q) && q.ValueKind == JsonValueKind.Object)
                {
                    quantDtype = q.GetProperty("dtype").GetString();
                    if (quantDtype is "uint8" or "uint16")
                    {
                        scale = q.GetProperty("scale").GetDouble();
                        min = q.GetProperty("min").GetDouble();
                    }
                }

                if (dtype != "float32")
                {
                    throw new InvalidDataException($"{source}: weight '{name}' has dtype {dtype}; only float32 weights (plain or quantised) are supported.");
                }

                int elementSize = quantDtype switch
                {
                    null => 4,
                    "uint8" => 1,
                    "uint16" or "float16" => 2,
                    _ => throw new InvalidDataException($"{source}: weight '{name}' uses quantisation {quantDtype}; supported: uint8, uint16, float16."),
                };
                long length = count * elementSize;
                if (offset + length > data.Length)
                {
                    throw new InvalidDataException($"{source}: weight '{name}' needs bytes {offset}..{offset + length} but the weight files hold {data.Length}. The .bin does not belong to this manifest, or it is truncated.");
                }

                var slice = data.Slice(offset, (int)length);
                var values = new float[count];
                switch (quantDtype)
                {
                    case null:
                        for (int i = 0; i < count; i++)
                        {
                            values[i] = BitConverter.ToSingle(slice.Slice(i * 4, 4));
                        }

                        break;
                    case "uint8":
                        for (int i = 0; i < count; i++)
                        {
                            values[i] = (float)((slice[i] * scale) + min);
                        }

                        break;
                    case "uint16":
                        for (int i = 0; i < count; i++)
                        {
                            values[i] = (float)((BitConverter.ToUInt16(slice.Slice(i * 2, 2)) * scale) + min);
                        }

                        break;
                    default:
                        for (int i = 0; i < count; i++)
                        {
                            values[i] = (float)BitConverter.ToHalf(slice.Slice(i * 2, 2));
                        }

                        break;
                }

                result.Add(new TfJsTensor(name, shape, values, quantDtype, globalOffset + offset, length));
                offset += (int)length;
            }

            if (offset != data.Length)
            {
                throw new InvalidDataException($"{source}: the manifest describes {offset} bytes but the weight files hold {data.Length}. The .bin does not belong to this manifest.");
            }

            globalOffset += data.Length;
        }

        if (result.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidDataException($"{source}: the manifest names weight '{twice.Key}' {twice.Count()} times; each weight appears once.");
        }

        return new TfJsWeightMap(source, result);
    }
}
