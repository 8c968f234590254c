using System.Globalization;
using System.Text;

namespace T2F.Core.Checkpoints;

/// <summary>
/// Writes checkpoints that PyTorch's <c>torch.load</c> reads (PyTorch 1.6 and later, <c>weights_only=True</c>
/// included), in the zip format <c>torch.save</c> writes: <c>&lt;stem&gt;/data.pkl</c> (a protocol 2 pickle),
/// <c>&lt;stem&gt;/byteorder</c>, one <c>&lt;stem&gt;/data/&lt;key&gt;</c> per tensor and <c>&lt;stem&gt;/version</c>,
/// stored uncompressed with every entry's data aligned to 64 bytes. <see cref="PyTorchCheckpoint.Load(string)"/>
/// reads the files back.
/// </summary>
/// <remarks>
/// <para>The pickle names only <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c> and the
/// storage classes <c>torch.FloatStorage</c>, <c>DoubleStorage</c>, <c>HalfStorage</c>, <c>BFloat16Storage</c>,
/// <c>LongStorage</c>, <c>IntStorage</c>, <c>ShortStorage</c>, <c>CharStorage</c>, <c>ByteStorage</c> and
/// <c>BoolStorage</c>, all of which <c>torch.load(weights_only=True)</c> allows. Every tensor loads as a contiguous
/// CPU tensor with <c>requires_grad=False</c>.</para>
/// <para>Values map to Python as follows: <see cref="TensorData"/> → tensor (the same instance twice → the same
/// tensor twice); <see cref="string"/> → str; <see cref="long"/>, <see cref="int"/> and the other integer types,
/// <see cref="System.Numerics.BigInteger"/> → int; <see cref="double"/>, <see cref="float"/>, <see cref="Half"/>
/// → float; <see cref="bool"/> → bool; <see langword="null"/> → None; <see cref="PickleTuple"/> and
/// <see cref="System.Runtime.CompilerServices.ITuple"/> (value tuples) → tuple; any other
/// <see cref="System.Collections.IList"/> (<see cref="List{T}"/>, arrays) → list. A <see cref="PickleDict"/> becomes an
/// <c>OrderedDict</c> or a <c>dict</c> as its <see cref="PickleDict.IsOrderedDict"/> says (an OrderedDict keeps its
/// <see cref="PickleDict.State"/>, such as a state_dict's <c>_metadata</c>). Any other dictionary
/// (<see cref="System.Collections.IDictionary"/> or <see cref="IEnumerable{T}"/> of <see cref="KeyValuePair{TKey, TValue}"/>)
/// becomes an <c>OrderedDict</c> when it is a state dict (its value type is <see cref="TensorData"/>, or it is not
/// empty and every value is a <see cref="TensorData"/>), as <c>module.state_dict()</c> returns, and a plain
/// <c>dict</c> otherwise; entries keep their enumeration order. Dictionary keys must be strings, integers,
/// floating-point numbers, bools or tuples of those. Anything else (bytes, sets, arbitrary objects) is refused,
/// because <c>torch.load(weights_only=True)</c> could not read it.</para>
/// </remarks>
public static class PyTorchCheckpointWriter
{
    /// <summary>The archive folder name used when none can be taken from a file name, as torch.save uses for streams.</summary>
    public const string DefaultArchiveName = "archive";

    /// <summary>
    /// Saves <paramref name="root"/> to <paramref name="path"/> as <c>torch.save(root, path)</c> would, atomically:
    /// the checkpoint goes to a temporary file in the same folder, is flushed to disk, and then replaces
    /// <paramref name="path"/>. On any error the temporary file is removed and an existing file at
    /// <paramref name="path"/> is left untouched. The archive folder inside the zip is the file name without its
    /// extension (as torch.save names it), with characters other than ASCII letters, digits, <c>_</c>, <c>-</c>
    /// and <c>.</c> replaced by <c>_</c>.
    /// </summary>
    /// <param name="path">The file to create or replace (usually <c>.pt</c>); its folder must exist.</param>
    /// <param name="root">The object to save, e.g. a dictionary <c>{"g_ema": stateDict, "latent_avg": tensor}</c>;
    /// see the remarks of <see cref="PyTorchCheckpointWriter"/> for the supported values.</param>
    /// <exception cref="ArgumentException"><paramref name="root"/> holds a value that cannot be written (the message
    /// names its place, e.g. <c>root["g_ema"]["x"]: System.DateTime is not supported</c>), an invalid or repeated
    /// key, or a reference cycle. Nothing is written then.</exception>
    /// <exception cref="IOException">The file cannot be written; an existing file is left untouched.</exception>
    public static void Save(string path, object? root)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);

        // Pickle first: every unsupported value is reported before any file is created.
        var (pickle, storages) = TorchPickleWriter.Write(root);
        IO.AtomicFile.Write(fullPath, stream => WriteArchive(stream, ArchiveNameFor(fullPath), pickle, storages));
    }

    /// <summary>
    /// Saves a state dict (names → tensors, in the given order) to <paramref name="path"/> as
    /// <c>torch.save(module.state_dict(), path)</c> would: a flat <c>collections.OrderedDict</c>, which
    /// <c>module.load_state_dict(torch.load(path, weights_only=True))</c> accepts. Written atomically, as
    /// <see cref="Save(string, object?)"/> writes.
    /// </summary>
    /// <param name="path">The file to create or replace (usually <c>.pt</c>); its folder must exist.</param>
    /// <param name="stateDict">The tensors by parameter or buffer name, e.g. <c>conv1.weight</c>.</param>
    /// <exception cref="ArgumentException">A name is null or repeated, or a tensor is null. Nothing is written then.</exception>
    /// <exception cref="IOException">The file cannot be written; an existing file is left untouched.</exception>
    public static void SaveStateDict(string path, IEnumerable<KeyValuePair<string, TensorData>> stateDict)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Save(path, ToOrderedDict(stateDict));
    }

    /// <summary>
    /// Writes <paramref name="root"/> to <paramref name="stream"/> as <c>torch.save(root, buffer)</c> would. The
    /// archive starts at the stream's current position; the stream need not seek and is neither flushed to disk nor
    /// closed. Nothing is written when <paramref name="root"/> holds a value that cannot be written.
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="root">The object to save; see the remarks of <see cref="PyTorchCheckpointWriter"/>.</param>
    /// <param name="archiveName">The folder inside the zip (<c>archive</c>, as torch.save names it for a buffer);
    /// characters other than ASCII letters, digits, <c>_</c>, <c>-</c> and <c>.</c> become <c>_</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="root"/> holds a value that cannot be written, an invalid or
    /// repeated key, or a reference cycle; or <paramref name="stream"/> cannot be written.</exception>
    public static void Save(Stream stream, object? root, string archiveName = DefaultArchiveName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(archiveName);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(stream));
        }

        var (pickle, storages) = TorchPickleWriter.Write(root);
        WriteArchive(stream, SanitizeArchiveName(archiveName), pickle, storages);
    }

    /// <summary>
    /// The folder name torch.save would use inside the zip for a checkpoint saved at <paramref name="path"/>: the file
    /// name without its extension, with characters other than ASCII letters, digits, <c>_</c>, <c>-</c> and
    /// <c>.</c> replaced by <c>_</c> (<c>archive</c> when nothing is left).
    /// </summary>
    /// <param name="path">The checkpoint's path, e.g. <c>/models/550000.pt</c>.</param>
    /// <returns>The archive name, e.g. <c>550000</c>.</returns>
    public static string ArchiveNameFor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SanitizeArchiveName(Path.GetFileNameWithoutExtension(path));
    }

    private static PickleDict ToOrderedDict(IEnumerable<KeyValuePair<string, TensorData>> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var dict = new PickleDict(isOrderedDict: true);
        foreach (var (name, tensor) in stateDict)
        {
            if (name is null)
            {
                throw new ArgumentException("A state dict name is null.", nameof(stateDict));
            }

            if (tensor is null)
            {
                throw new ArgumentException($"The tensor \"{name}\" is null.", nameof(stateDict));
            }

            if (dict.ContainsKey(name))
            {
                throw new ArgumentException($"The name \"{name}\" appears twice in the state dict.", nameof(stateDict));
            }

            dict.Add(name, tensor);
        }

        return dict;
    }

    private static string SanitizeArchiveName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_');
        }

        string result = sb.ToString();
        return result.Trim('.').Length == 0 ? DefaultArchiveName : result;
    }

    private static void WriteArchive(Stream stream, string stem, byte[] pickle, IReadOnlyList<TensorData> storages)
    {
        var zip = new StoredZipWriter(stream);
        zip.Add(stem + "/data.pkl", pickle);
        zip.Add(stem + "/byteorder", "little"u8); // TensorData is little-endian whatever the machine

        // torch.save writes the storages in the order of their keys sorted as strings.
        var keys = Enumerable.Range(0, storages.Count)
            .Select(i => i.ToString(CultureInfo.InvariantCulture))
            .OrderBy(k => k, StringComparer.Ordinal);
        foreach (string key in keys)
        {
            zip.Add(stem + "/data/" + key, storages[int.Parse(key, CultureInfo.InvariantCulture)].Data);
        }

        zip.Add(stem + "/version", "3\n"u8);
        zip.Finish();
    }
}
