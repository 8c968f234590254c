using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Text;

namespace T2F.Core.Checkpoints;

/// <summary>
/// Reads files written by PyTorch's <c>torch.save</c> without PyTorch and without running any code the file names.
/// Both the zip format (PyTorch 1.6 and later) and the legacy pickle format are supported.
/// </summary>
/// <remarks>
/// <para>The result is a plain object tree: <see cref="PickleDict"/> for dict and OrderedDict, <see cref="PickleTuple"/>
/// for tuples, <see cref="List{T}"/> of <see cref="object"/> for lists, <see cref="string"/>, <see cref="long"/>
/// (<see cref="BigInteger"/> when it does not fit), <see cref="double"/>, <see cref="bool"/>, <see langword="null"/>
/// for None, <see cref="byte"/>[] for bytes, <see cref="PickleSet"/> for set and frozenset, and
/// <see cref="TensorData"/> for tensors and parameters (copied out of their storages, contiguous, whatever their
/// strides and offsets). Any other class or function the file names becomes an inert <see cref="PickleGlobal"/> or
/// <see cref="PickledObject"/>: nothing is imported, instantiated or called.</para>
/// <para>Every format problem is reported as a <see cref="CheckpointFormatException"/> naming the file, what was
/// expected, what was found, and the fix.</para>
/// </remarks>
public static class PyTorchCheckpoint
{
    /// <summary>The magic number that starts a legacy (pre-zip) torch.save file: 0x1950a86a20f9469cfc6c.</summary>
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private const long LegacyProtocolVersion = 1001;

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> and returns the object that was saved (for a train.py
    /// checkpoint, a <see cref="PickleDict"/> with keys such as <c>g_ema</c>).
    /// </summary>
    /// <param name="path">The checkpoint file (usually <c>.pt</c> or <c>.pth</c>).</param>
    /// <returns>The unpickled root object.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a torch.save checkpoint, or is truncated or corrupt.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static object? Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Load(stream, path);
    }

    /// <summary>
    /// Loads a checkpoint from <paramref name="stream"/>, which must be positioned at the start of the checkpoint
    /// and end where it ends. A stream that cannot seek is copied into memory first. The stream is left open.
    /// </summary>
    /// <param name="stream">The checkpoint's bytes.</param>
    /// <param name="sourceName">A name for the source (usually the file path), used in every error message.</param>
    /// <returns>The unpickled root object.</returns>
    /// <exception cref="CheckpointFormatException">The data is not a torch.save checkpoint, or is truncated or corrupt.</exception>
    public static object? Load(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        MemoryStream? copy = null;
        try
        {
            Stream s = stream;
            if (!stream.CanSeek)
            {
                copy = new MemoryStream();
                stream.CopyTo(copy);
                copy.Position = 0;
                s = copy;
            }

            return LoadSeekable(s, sourceName);
        }
        catch (CheckpointFormatException)
        {
            throw;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IndexOutOfRangeException
                                       or NullReferenceException or InvalidCastException or ArgumentException
                                       or OverflowException or FormatException or KeyNotFoundException)
        {
            throw new CheckpointFormatException(
                $"{sourceName}: could not be read as a PyTorch checkpoint ({ex.GetType().Name}: {ex.Message}). " +
                "The file is corrupt or truncated: re-download or re-copy it, or re-save it with torch.save(obj, path).",
                ex);
        }
        finally
        {
            copy?.Dispose();
        }
    }

    private static object? LoadSeekable(Stream s, string sourceName)
    {
        long start = s.Position;
        long length = s.Length - start;
        var head = new byte[(int)Math.Min(length, 512)];
        s.ReadExactly(head);
        s.Position = start;

        if (length == 0)
        {
            throw new CheckpointFormatException(
                $"{sourceName} is empty (0 bytes): expected a PyTorch checkpoint written by torch.save. The download or copy did not finish: re-download or re-copy it.");
        }

        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2], head[3]) is (3, 4) or (5, 6) or (7, 8))
        {
            return LoadZip(s, sourceName, length);
        }

        if (head[0] == 0x80)
        {
            return LoadLegacy(s, sourceName);
        }

        throw new CheckpointFormatException(DescribeUnknownFormat(sourceName, head, length));
    }

    // ------------------------------------------------------------------ zip format

    private static object? LoadZip(Stream s, string sourceName, long length)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new CheckpointFormatException(
                $"{sourceName} starts like a PyTorch zip checkpoint but is not a complete zip archive ({ex.Message}); " +
                $"it is {length} bytes long and its end (the zip central directory) is missing or damaged: the file is truncated: re-download or re-copy it.",
                ex);
        }

        using (archive)
        {
            IReadOnlyCollection<ZipArchiveEntry> entries;
            try
            {
                entries = archive.Entries;
            }
            catch (InvalidDataException ex)
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: the zip central directory is damaged ({ex.Message}): the file is truncated or corrupt: re-download or re-copy it.", ex);
            }

            ZipArchiveEntry pickleEntry = FindDataPickle(entries, sourceName);
            string stem = pickleEntry.FullName[..^"data.pkl".Length]; // "archive/" (or "" for a root-level data.pkl)
            var byName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (ZipArchiveEntry e in entries)
            {
                byName.TryAdd(e.FullName, e);
            }

            bool bigEndian = false;
            if (byName.TryGetValue(stem + "byteorder", out ZipArchiveEntry? byteOrderEntry))
            {
                string order = Encoding.ASCII.GetString(ReadEntry(byteOrderEntry, sourceName)).Trim();
                bigEndian = order switch
                {
                    "little" => false,
                    "big" => true,
                    _ => throw new CheckpointFormatException(
                        $"{sourceName}: {byteOrderEntry.FullName} says the byte order is '{order}', expected 'little' or 'big': the file is corrupt."),
                };
            }

            byte[] pickle = ReadEntry(pickleEntry, sourceName);
            var storages = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);

            object? PersistentLoad(object pid)
            {
                if (pid is not PickleTuple t || t.Count < 5 || t[0] is not string typeName)
                {
                    throw new CheckpointFormatException(
                        $"{sourceName}: {pickleEntry.FullName} has the persistent id {PickleFormatting.Describe(pid)}; expected ('storage', storage type, key, location, numel): the file is corrupt or not written by torch.save.");
                }

                if (typeName != "storage")
                {
                    throw new CheckpointFormatException(
                        $"{sourceName}: {pickleEntry.FullName} has a persistent id of kind '{typeName}'; torch.save writes only 'storage': the file is corrupt or not written by torch.save.");
                }

                string key = KeyToString(t[2], sourceName);
                if (storages.TryGetValue(key, out TorchStorage? existing))
                {
                    return existing;
                }

                TensorDataType dtype = StorageDataType(t[1], sourceName);
                long numel = ToNonNegativeLong(t[4], "storage numel", sourceName);
                string entryName = stem + "data/" + key;
                string description = $"'{entryName}'";
                var storage = new TorchStorage(dtype, key, numel, sourceName, description, () =>
                {
                    if (!byName.TryGetValue(entryName, out ZipArchiveEntry? entry))
                    {
                        throw new CheckpointFormatException(
                            $"{sourceName}: the storage entry '{entryName}' is missing from the zip archive (the pickle refers to storage '{key}' of {numel} {dtype.ToTorchName()} elements): " +
                            "the file is incomplete or corrupt: re-download or re-copy it, or re-save it with torch.save(obj, path).");
                    }

                    byte[] bytes = ReadEntry(entry, sourceName);
                    if (bigEndian)
                    {
                        SwapBytes(bytes, dtype.ElementSize());
                    }

                    return bytes;
                });
                storages.Add(key, storage);
                return storage;
            }

            using var pickleStream = new MemoryStream(pickle, writable: false);
            return new Unpickler(pickleStream, sourceName, pickleEntry.FullName, PersistentLoad).Load();
        }
    }

    private static ZipArchiveEntry FindDataPickle(IReadOnlyCollection<ZipArchiveEntry> entries, string sourceName)
    {
        // torch.save writes "<archive name>/data.pkl"; the folder is whatever name the file had when it was saved.
        var candidates = entries
            .Where(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            .OrderBy(e => e.FullName.Count(c => c == '/'))
            .ToList();
        if (candidates.Count == 0)
        {
            string names = string.Join(", ", entries.Take(8).Select(e => "'" + e.FullName + "'")) + (entries.Count > 8 ? ", ..." : string.Empty);
            throw new CheckpointFormatException(
                $"{sourceName} is a zip archive but not a PyTorch checkpoint: expected an entry '<name>/data.pkl' as torch.save writes, found {entries.Count} entries ({names}). " +
                "Re-save the model with torch.save(model.state_dict(), path).");
        }

        int depth = candidates[0].FullName.Count(c => c == '/');
        var top = candidates.Where(e => e.FullName.Count(c => c == '/') == depth).ToList();
        if (top.Count > 1)
        {
            throw new CheckpointFormatException(
                $"{sourceName} holds several pickles ({string.Join(", ", top.Select(e => "'" + e.FullName + "'"))}); a torch.save checkpoint has exactly one '<name>/data.pkl'. " +
                "Re-save it with torch.save(obj, path).");
        }

        return top[0];
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string sourceName)
    {
        long length = entry.Length;
        if (length > Array.MaxLength)
        {
            throw new CheckpointFormatException(
                $"{sourceName}: the entry '{entry.FullName}' is {length} bytes, more than this reader can hold in one array (2 GB); save large tensors in safetensors shards instead.");
        }

        var bytes = new byte[length];
        try
        {
            using Stream es = entry.Open();
            es.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or IOException)
        {
            throw new CheckpointFormatException(
                $"{sourceName}: the entry '{entry.FullName}' ({length} bytes) cannot be read ({ex.Message}): the file is truncated or corrupt: re-download or re-copy it.", ex);
        }

        return bytes;
    }

    // ------------------------------------------------------------------ legacy format

    private static object? LoadLegacy(Stream s, string sourceName)
    {
        object? magic = new Unpickler(s, sourceName, "at the start of the file", null).Load();
        bool isMagic = magic switch
        {
            BigInteger b => b == LegacyMagic,
            _ => false,
        };
        if (!isMagic)
        {
            throw new CheckpointFormatException(
                $"{sourceName} is a Python pickle but not a PyTorch checkpoint: expected torch.save's magic number 0x1950a86a20f9469cfc6c first (legacy format) or a zip archive, " +
                $"found {PickleFormatting.TypeName(magic)} {PickleFormatting.Describe(magic)}. It was probably written with pickle.dump: " +
                "load it in Python and re-save it with torch.save(obj, path, _use_new_zipfile_serialization=True).");
        }

        object? protocol = new Unpickler(s, sourceName, "after the magic number (protocol version)", null).Load();
        if (protocol is not long p || p != LegacyProtocolVersion)
        {
            throw new CheckpointFormatException(
                $"{sourceName}: legacy PyTorch checkpoint with protocol version {PickleFormatting.Describe(protocol)}; expected {LegacyProtocolVersion}. " +
                "Re-save it with a recent PyTorch: torch.save(torch.load(path), path, _use_new_zipfile_serialization=True).");
        }

        object? sysInfo = new Unpickler(s, sourceName, "sys_info", null).Load();
        bool littleEndian = true;
        if (sysInfo is PickleDict info && info.TryGetValue("little_endian", out object? le) && le is bool leFlag)
        {
            littleEndian = leFlag;
        }

        long mainStart = s.Position;
        var roots = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);
        var views = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);

        object? PersistentLoad(object pid)
        {
            if (pid is not PickleTuple t || t.Count < 1)
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: the main pickle has the persistent id {PickleFormatting.Describe(pid)}; expected a tuple ('storage', ...): the file is corrupt.");
            }

            string kind = t[0] switch
            {
                string str => str,
                byte[] bytes => Encoding.ASCII.GetString(bytes),
                _ => string.Empty,
            };
            if (kind == "module" && t.Count >= 2)
            {
                return t[1]; // ('module', class, source file, source): the class reference, inert.
            }

            if (kind != "storage" || t.Count < 6)
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: the main pickle has the persistent id {PickleFormatting.Describe(pid)}; expected ('storage', storage type, key, location, numel, view metadata): the file is corrupt.");
            }

            string rootKey = KeyToString(t[2], sourceName);
            if (!roots.TryGetValue(rootKey, out TorchStorage? root))
            {
                TensorDataType dtype = StorageDataType(t[1], sourceName);
                long numel = ToNonNegativeLong(t[4], "storage numel", sourceName);
                root = new TorchStorage(dtype, rootKey, numel, sourceName, $"'{rootKey}'", loader: null);
                roots.Add(rootKey, root);
            }

            if (t[5] is null)
            {
                return root;
            }

            if (t[5] is not PickleTuple { Count: 3 } view)
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: storage '{rootKey}' has view metadata {PickleFormatting.Describe(t[5])}; expected (view key, offset, size): the file is corrupt.");
            }

            string viewKey = KeyToString(view[0], sourceName);
            if (!views.TryGetValue(viewKey, out TorchStorage? viewStorage))
            {
                long offset = ToNonNegativeLong(view[1], "storage view offset", sourceName);
                long size = ToNonNegativeLong(view[2], "storage view size", sourceName);
                viewStorage = new TorchStorage(root, viewKey, offset, size, $"'{viewKey}' (a view of '{rootKey}' at element {offset})");
                views.Add(viewKey, viewStorage);
            }

            return viewStorage;
        }

        // Pass 1: learn the storages (types and sizes) the main pickle uses; their bytes follow the pickles.
        new Unpickler(s, sourceName, "main pickle", PersistentLoad) { DeferTensors = true }.Load();
        object? keysObject = new Unpickler(s, sourceName, "storage key list", null).Load();
        if (keysObject is not List<object?> keys)
        {
            throw new CheckpointFormatException(
                $"{sourceName}: legacy PyTorch checkpoint whose storage key list is {PickleFormatting.TypeName(keysObject)}, expected a list: the file is corrupt.");
        }

        foreach (object? keyObject in keys)
        {
            string key = KeyToString(keyObject, sourceName);
            if (!roots.TryGetValue(key, out TorchStorage? storage))
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: legacy PyTorch checkpoint lists storage '{key}' in its key list, but the main pickle never used it: the file is corrupt.");
            }

            int es = storage.DType.ElementSize();
            var header = new byte[8];
            ReadLegacyBytes(s, header, sourceName, key);
            long numel = littleEndian ? BinaryPrimitives.ReadInt64LittleEndian(header) : BinaryPrimitives.ReadInt64BigEndian(header);
            if (numel != storage.Numel)
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: legacy PyTorch checkpoint storage '{key}' has {numel} elements in the data section but {storage.Numel} in the pickle: the file is corrupt: re-download or re-copy it.");
            }

            long byteCount = numel * es;
            if (numel < 0 || byteCount > Array.MaxLength)
            {
                throw new CheckpointFormatException(
                    $"{sourceName}: legacy PyTorch checkpoint storage '{key}' of {numel} elements cannot be held in one array (2 GB limit); re-save it in safetensors shards.");
            }

            var bytes = new byte[byteCount];
            ReadLegacyBytes(s, bytes, sourceName, key);
            if (!littleEndian)
            {
                SwapBytes(bytes, es);
            }

            storage.SetData(bytes);
        }

        // Pass 2: rebuild the object tree with the storages filled in.
        long end = s.Position;
        s.Position = mainStart;
        object? result = new Unpickler(s, sourceName, "main pickle", PersistentLoad).Load();
        s.Position = end;
        return result;
    }

    private static void ReadLegacyBytes(Stream s, byte[] buffer, string sourceName, string key)
    {
        long remaining = s.Length - s.Position;
        if (buffer.Length > remaining)
        {
            throw new CheckpointFormatException(
                $"{sourceName}: legacy PyTorch checkpoint ends early in the data of storage '{key}' (needs {buffer.Length} more bytes, {remaining} remain): the file is truncated: re-download or re-copy it.");
        }

        s.ReadExactly(buffer);
    }

    // ------------------------------------------------------------------ shared helpers

    private static TensorDataType StorageDataType(object? storageType, string sourceName)
    {
        if (storageType is PickleGlobal g && (g.Module == "torch" || g.Module.StartsWith("torch.", StringComparison.Ordinal)))
        {
            switch (g.Name)
            {
                case "FloatStorage": return TensorDataType.Float32;
                case "DoubleStorage": return TensorDataType.Float64;
                case "HalfStorage": return TensorDataType.Float16;
                case "BFloat16Storage": return TensorDataType.BFloat16;
                case "LongStorage": return TensorDataType.Int64;
                case "IntStorage": return TensorDataType.Int32;
                case "ShortStorage": return TensorDataType.Int16;
                case "CharStorage": return TensorDataType.Int8;
                case "ByteStorage": return TensorDataType.UInt8;
                case "BoolStorage": return TensorDataType.Bool;
                case "UntypedStorage" or "_UntypedStorage": return TensorDataType.UInt8;
            }
        }

        throw new CheckpointFormatException(
            $"{sourceName} holds a storage of type {PickleFormatting.Describe(storageType)}, which this reader does not support " +
            "(supported: float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool). " +
            "Convert such tensors (e.g. complex or quantized ones) to a supported dtype before torch.save.");
    }

    private static string KeyToString(object? key, string sourceName) => key switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        byte[] bytes => Encoding.ASCII.GetString(bytes),
        _ => throw new CheckpointFormatException(
            $"{sourceName}: a storage key is {PickleFormatting.TypeName(key)} ({PickleFormatting.Describe(key)}), expected a string: the file is corrupt."),
    };

    private static long ToNonNegativeLong(object? value, string what, string sourceName)
    {
        if (value is long l && l >= 0)
        {
            return l;
        }

        throw new CheckpointFormatException(
            $"{sourceName}: the {what} is {PickleFormatting.Describe(value)}, expected a non-negative integer: the file is corrupt.");
    }

    private static void SwapBytes(byte[] bytes, int elementSize)
    {
        if (elementSize == 1)
        {
            return;
        }

        for (int i = 0; i + elementSize <= bytes.Length; i += elementSize)
        {
            Array.Reverse(bytes, i, elementSize);
        }
    }

    private static string DescribeUnknownFormat(string sourceName, byte[] head, long length)
    {
        const string expected = "expected a PyTorch checkpoint written by torch.save (a zip archive starting with 'PK', or the legacy pickle format starting with byte 0x80)";
        const string resave = "If it came from PyTorch, load it there and re-save it with torch.save(obj, path, _use_new_zipfile_serialization=True).";
        string text = Encoding.UTF8.GetString(head);
        string trimmed = text.TrimStart();

        if (text.StartsWith("version https://git-lfs", StringComparison.Ordinal))
        {
            return $"{sourceName} is a Git LFS pointer ({length} bytes), not the checkpoint itself: {expected}. Fetch the real file with 'git lfs pull' (or download it directly).";
        }

        if (trimmed.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
        {
            return $"{sourceName} is an HTML page ({length} bytes), not a checkpoint: {expected}. The download probably failed or needed a login: download the file again.";
        }

        if (head.Length >= 9 && head[8] == '{')
        {
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
            if (headerLength > 0 && headerLength <= (ulong)length - 8)
            {
                return $"{sourceName} is a safetensors file, not a torch.save checkpoint: read it with SafeTensorsFile.Read instead.";
            }
        }

        if (head.Length >= 6 && head[0] == 0x93 && text.AsSpan(1).StartsWith("NUMPY", StringComparison.Ordinal))
        {
            return $"{sourceName} is a NumPy .npy array, not a PyTorch checkpoint: {expected}.";
        }

        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return $"{sourceName} is gzip-compressed ({length} bytes): {expected}. Decompress it first (gunzip).";
        }

        if (head.Length >= 262 && Encoding.ASCII.GetString(head, 257, 5) == "ustar")
        {
            return $"{sourceName} is a tar archive: {expected}. This is the tar format of PyTorch 0.1 (or an archive that contains the checkpoint): " +
                   "extract it, or load it with an old PyTorch and re-save it with torch.save(obj, path, _use_new_zipfile_serialization=True).";
        }

        if (LooksLikeText(head))
        {
            string preview = text.Length > 40 ? text[..40] : text;
            preview = preview.ReplaceLineEndings(" ").Replace("\t", " ", StringComparison.Ordinal);
            return $"{sourceName} is a text file ({length} bytes) starting with \"{preview}\", not a checkpoint: {expected}. {resave}";
        }

        string hex = Convert.ToHexString(head, 0, Math.Min(head.Length, 16));
        return $"{sourceName} is not a PyTorch checkpoint: {expected}; found {length} bytes starting with 0x{hex}. {resave}";
    }

    private static bool LooksLikeText(byte[] head)
    {
        try
        {
            string s = new UTF8Encoding(false, true).GetString(head, 0, TrimIncompleteUtf8(head));
            return s.All(c => !char.IsControl(c) || c is '\n' or '\r' or '\t');
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The length of <paramref name="head"/> without a UTF-8 sequence cut off at its end.</summary>
    private static int TrimIncompleteUtf8(byte[] head)
    {
        int n = head.Length;
        for (int back = 1; back <= 3 && back <= n; back++)
        {
            byte b = head[n - back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // continuation byte
            }

            int needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return needed > back ? n - back : n;
        }

        return n;
    }
}
