using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace T2F.Core.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c> padded with
/// spaces to a multiple of 8 bytes, then the tensors' bytes. Nothing in the file is executed.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>The largest header this reader accepts (the format's own limit): 100,000,000 bytes.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";
    private const string Supported = "F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL";

    /// <summary>
    /// Reads every tensor and the metadata of the safetensors file at <paramref name="path"/>, validating the header
    /// (its length against the file, the dtypes, shapes and offsets: inside the data, not overlapping, exactly the
    /// size dtype × shape needs).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors in header order and the metadata.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file, or is truncated.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var (entries, metadata, dataStart) = ReadHeader(handle, path);
        var tensors = new OrderedDictionary<string, TensorData>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var data = new byte[e.End - e.Begin];
            ReadAt(handle, data, dataStart + e.Begin, path);
            tensors.Add(e.Name, new TensorData(e.DType, e.Shape, data));
        }

        return new SafeTensorsContent(
            new ReadOnlyDictionary<string, TensorData>(tensors),
            new ReadOnlyDictionary<string, string>(metadata));
    }

    /// <summary>
    /// Opens the safetensors file at <paramref name="path"/>, validating its header as <see cref="Read"/> does, but
    /// leaves the tensors' bytes in the file until they are used (<see cref="TensorData.Data"/> or
    /// <see cref="TensorData.CopyTo"/>): loading a model then copies them straight into its parameters, and tensors
    /// that are never used (a training checkpoint's optimiser state) are never read.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The open file; dispose it once the tensors are copied.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file, or is truncated.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SafeTensorsReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        try
        {
            var (entries, metadata, dataStart) = ReadHeader(handle, path);
            return new SafeTensorsReader(path, handle, entries.Select(e => (e.Name, e.DType, e.Shape, dataStart + e.Begin, e.End - e.Begin)), metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Parses safetensors bytes held in memory (an embedded resource, a download), validating them as <see cref="Read"/>
    /// validates a file; the tensors copy their bytes out of <paramref name="bytes"/>.
    /// </summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="name">What the bytes are, for error messages (e.g. the resource name).</param>
    /// <returns>The tensors in header order and the metadata.</returns>
    /// <exception cref="CheckpointFormatException">The bytes are not a valid safetensors file, or are truncated.</exception>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> bytes, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var (entries, metadata, dataStart) = ReadHeader(bytes, name);
        var tensors = new OrderedDictionary<string, TensorData>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries)
        {
            tensors.Add(e.Name, new TensorData(e.DType, e.Shape, bytes.Slice((int)(dataStart + e.Begin), (int)(e.End - e.Begin)).ToArray()));
        }

        return new SafeTensorsContent(
            new ReadOnlyDictionary<string, TensorData>(tensors),
            new ReadOnlyDictionary<string, string>(metadata));
    }

    private static (List<(string Name, TensorDataType DType, long[] Shape, long Begin, long End)> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(SafeFileHandle handle, string path)
        => ReadHeader(RandomAccess.GetLength(handle), (buffer, offset) => ReadAt(handle, buffer, offset, path), path);

    private static (List<(string Name, TensorDataType DType, long[] Shape, long Begin, long End)> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 8)
        {
            return ReadHeader(bytes.Length, (_, _) => { }, path);
        }

        // The header is at most MaxHeaderLength bytes and lies inside the span: copy only what the header needs.
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        byte[] head = bytes[..(int)Math.Min((ulong)bytes.Length, declared <= MaxHeaderLength ? 8 + declared : 8)].ToArray();
        return ReadHeader(bytes.Length, (buffer, offset) => head.AsSpan((int)offset, buffer.Length).CopyTo(buffer), path);
    }

    private delegate void ReadBytesAt(Span<byte> buffer, long offset);

    private static (List<(string Name, TensorDataType DType, long[] Shape, long Begin, long End)> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(long fileLength, ReadBytesAt readAt, string path)
    {
        if (fileLength < 8)
        {
            throw Error(path, $"the file is {fileLength} bytes, too short to hold the 8-byte header length a safetensors file starts with: the file is truncated or empty: re-download or re-copy it");
        }

        var lengthBytes = new byte[8];
        readAt(lengthBytes, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2 || headerLength > MaxHeaderLength || headerLength > (ulong)(fileLength - 8))
        {
            throw Error(path,
                $"the header length is {headerLength} bytes, but the file is {fileLength} bytes (and a header is 2 to {MaxHeaderLength} bytes): " +
                "the file is truncated or not a safetensors file: re-download or re-copy it, or re-export it with safetensors.torch.save_file");
        }

        var headerBytes = new byte[headerLength];
        readAt(headerBytes, 8);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        var entries = new List<(string Name, TensorDataType DType, long[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw Error(path, $"the header is not valid JSON ({ex.Message}): the file is corrupt or not a safetensors file", ex);
        }

        try
        {
            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Error(path, $"the header is a JSON {root.ValueKind}, expected an object of tensor entries");
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty property in root.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        throw Error(path, $"the header names '{property.Name}' twice");
                    }

                    if (property.Name == MetadataKey)
                    {
                        ReadMetadata(property.Value, metadata, path);
                        continue;
                    }

                    entries.Add(ReadEntry(property, dataLength, path));
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            // A name or string that is not valid UTF-8 (or an unpaired surrogate escape): found by fuzzing.
            throw Error(path, $"the header holds text that is not valid UTF-8 ({ex.Message}): the file is corrupt", ex);
        }

        // Offsets must not overlap (empty tensors may share an offset).
        var byOffset = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ToList();
        for (int i = 1; i < byOffset.Count; i++)
        {
            if (byOffset[i].Begin < byOffset[i - 1].End)
            {
                throw Error(path,
                    $"tensors '{byOffset[i - 1].Name}' (bytes {byOffset[i - 1].Begin}..{byOffset[i - 1].End}) and '{byOffset[i].Name}' (bytes {byOffset[i].Begin}..{byOffset[i].End}) overlap: the file is corrupt");
            }
        }

        return (entries, metadata, dataStart);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (in the given order) and <paramref name="metadata"/> to a safetensors file,
    /// atomically: the bytes go to a temporary file in the same folder, are flushed to disk, and the temporary file
    /// then replaces <paramref name="path"/>. On any error the temporary file is removed and an existing file at
    /// <paramref name="path"/> is left untouched.
    /// </summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="tensors">The tensors by name; names must be unique, non-empty and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional string → string metadata stored under <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved, or a tensor is null.</exception>
    public static void Write(
        string path,
        IEnumerable<KeyValuePair<string, TensorData>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in list)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A tensor name is null or empty.", nameof(tensors));
            }

            if (name == MetadataKey)
            {
                throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            }

            if (!names.Add(name))
            {
                throw new ArgumentException($"The tensor name '{name}' appears twice.", nameof(tensors));
            }

            if (tensor is null)
            {
                throw new ArgumentException($"The tensor '{name}' is null.", nameof(tensors));
            }
        }

        // Lay the data out by decreasing element size so every tensor is aligned to its element size
        // (the header is padded to 8 bytes), as the reference writer does; the header keeps the given order.
        var offsets = new Dictionary<string, (long Begin, long End)>(StringComparer.Ordinal);
        var layout = list.Select((kv, i) => (kv, i)).OrderByDescending(x => x.kv.Value.ElementSize).ThenBy(x => x.i).Select(x => x.kv).ToList();
        long position = 0;
        foreach (var (name, tensor) in layout)
        {
            offsets[name] = (position, position + tensor.Data.LongLength);
            position += tensor.Data.LongLength;
        }

        byte[] header = BuildHeader(list, offsets, metadata);
        IO.AtomicFile.Write(path, stream =>
        {
            var lengthBytes = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
            stream.Write(lengthBytes);
            stream.Write(header);
            foreach (var (_, tensor) in layout)
            {
                stream.Write(tensor.Data);
            }
        });
    }

    private static byte[] BuildHeader(
        List<KeyValuePair<string, TensorData>> tensors,
        Dictionary<string, (long Begin, long End)> offsets,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value ?? string.Empty);
                }

                json.WriteEndObject();
            }

            foreach (var (name, tensor) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", tensor.DType.ToSafeTensorsName());
                json.WriteStartArray("shape");
                foreach (long d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offsets[name].Begin);
                json.WriteNumberValue(offsets[name].End);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        int padding = (int)((8 - (buffer.Length % 8)) % 8);
        for (int i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"'{MetadataKey}' is a JSON {value.ValueKind}, expected an object of strings");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(path, $"metadata entry '{item.Name}' is a JSON {item.Value.ValueKind}, expected a string");
            }

            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static (string Name, TensorDataType DType, long[] Shape, long Begin, long End) ReadEntry(JsonProperty property, long dataLength, string path)
    {
        string name = property.Name;
        JsonElement entry = property.Value;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"the entry for tensor '{name}' is a JSON {entry.ValueKind}, expected an object with dtype, shape and data_offsets");
        }

        if (!entry.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Error(path, $"tensor '{name}' has no dtype string");
        }

        string? dtypeName = dtypeElement.GetString();
        if (!TensorDataTypeExtensions.TryParseSafeTensorsName(dtypeName, out TensorDataType dtype))
        {
            throw Error(path, $"tensor '{name}' has dtype '{dtypeName}', which this reader does not support (supported: {Supported}); convert it before saving");
        }

        long[] shape = ReadIntegers(entry, "shape", name, path);
        long[] dataOffsets = ReadIntegers(entry, "data_offsets", name, path);
        if (dataOffsets.Length != 2)
        {
            throw Error(path, $"tensor '{name}' has {dataOffsets.Length} data_offsets, expected [begin, end]");
        }

        long begin = dataOffsets[0];
        long end = dataOffsets[1];
        if (begin > end || end > dataLength)
        {
            throw Error(path,
                $"tensor '{name}' has data_offsets [{begin}, {end}], outside the {dataLength} data bytes after the header: " +
                "the file is truncated or corrupt: re-download or re-copy it");
        }

        long count = 1;
        long expected;
        try
        {
            foreach (long d in shape)
            {
                count = checked(count * d);
            }

            expected = checked(count * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Error(path, $"tensor '{name}' has an impossibly large shape {TensorData.FormatShape(shape)}");
        }

        if (end - begin != expected)
        {
            throw Error(path,
                $"tensor '{name}' is {dtypeName} of shape {TensorData.FormatShape(shape)} ({expected} bytes), but its data_offsets [{begin}, {end}] span {end - begin} bytes: the file is corrupt");
        }

        if (expected > Array.MaxLength)
        {
            throw Error(path, $"tensor '{name}' is {expected} bytes, more than this reader can hold in one array (2 GB)");
        }

        return (name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string property, string name, string path)
    {
        if (!entry.TryGetProperty(property, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, $"tensor '{name}' has no '{property}' array");
        }

        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
            {
                throw Error(path, $"tensor '{name}' has '{property}' {item.GetRawText()} at position {i}, expected a non-negative integer");
            }

            values[i++] = value;
        }

        return values;
    }

    // Reads exactly buffer.Length bytes at offset; a short file is a format error naming the path.
    internal static void ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (n <= 0)
            {
                throw Error(path, $"the file ends at byte {offset + done}, before the {buffer.Length} bytes expected at {offset}: the file is truncated: re-download or re-copy it");
            }

            done += n;
        }
    }

    private static CheckpointFormatException Error(string path, string what, Exception? inner = null) =>
        new($"{path} is not a valid safetensors file: {what}.", inner);
}
