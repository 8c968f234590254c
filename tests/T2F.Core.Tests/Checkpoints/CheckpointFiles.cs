using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>Builds small torch.save files (zip and legacy formats) for tests.</summary>
internal static class CheckpointFiles
{
    public static readonly BigInteger LegacyMagic = BigInteger.Parse("01950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    /// <summary>A zip checkpoint laid out as torch.save writes it: stem/data.pkl, stem/byteorder, stem/data/KEY, stem/version.</summary>
    public static byte[] Zip(byte[] pickle, IReadOnlyDictionary<string, byte[]> storages, string stem = "archive", string? byteOrder = "little")
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, stem + "/data.pkl", pickle);
            if (byteOrder is not null)
            {
                Add(zip, stem + "/byteorder", Encoding.ASCII.GetBytes(byteOrder));
            }

            foreach (var (key, bytes) in storages)
            {
                Add(zip, stem + "/data/" + key, bytes);
            }

            Add(zip, stem + "/version", Encoding.ASCII.GetBytes("3\n"));
        }

        return ms.ToArray();
    }

    /// <summary>The legacy (pre-1.6) format: magic, protocol, sys_info, main pickle, storage keys, then each storage's numel and bytes.</summary>
    public static byte[] Legacy(byte[] mainPickle, IReadOnlyList<(string Key, byte[] Data, int ElementSize)> storages)
    {
        var bytes = new List<byte>();
        bytes.AddRange(new PickleBuilder().Proto(2).Long1(LegacyMagic).Stop().ToArray());
        bytes.AddRange(new PickleBuilder().Proto(2).Int(1001).Stop().ToArray());
        bytes.AddRange(new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("protocol_version").Int(1001)
            .Str("little_endian").Bool(true)
            .Str("type_sizes").EmptyDict().Mark().Str("short").Int(2).Str("int").Int(4).Str("long").Int(4).SetItems()
            .SetItems().Stop().ToArray());
        bytes.AddRange(mainPickle);
        var keys = new PickleBuilder().Proto(2).EmptyList().Mark();
        foreach (var s in storages)
        {
            keys.Str(s.Key);
        }

        bytes.AddRange(keys.Appends().Stop().ToArray());
        foreach (var s in storages)
        {
            var numel = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(numel, s.Data.Length / s.ElementSize);
            bytes.AddRange(numel);
            bytes.AddRange(s.Data);
        }

        return bytes.ToArray();
    }

    public static byte[] Floats(params float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static float[] Range(int count, float start = 0) => Enumerable.Range(0, count).Select(i => start + i).ToArray();

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using Stream s = entry.Open();
        s.Write(bytes);
    }
}
