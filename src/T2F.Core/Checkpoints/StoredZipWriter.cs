using System.Buffers.Binary;
using System.Text;

namespace T2F.Core.Checkpoints;

/// <summary>
/// Writes a zip archive of stored (uncompressed) entries the way PyTorch's <c>PyTorchStreamWriter</c> lays them out:
/// every entry's data starts on a 64-byte boundary, reached with an <c>FB</c> padding field in the local header.
/// Entries are written front to back with their CRC and sizes in the local header, so the stream need not seek.
/// Zip64 records are added only where an offset, the entry count or the central directory needs them.
/// </summary>
internal sealed class StoredZipWriter
{
    /// <summary>The alignment of every entry's data, as torch.save writes it.</summary>
    public const int Alignment = 64;

    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndOfCentralDirectorySignature = 0x06054b50;
    private const uint Zip64EndOfCentralDirectorySignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const ushort PaddingFieldId = 0x4246; // "FB", the id PyTorch uses for its alignment padding
    private const ushort Zip64FieldId = 0x0001;
    private const ushort VersionDefault = 20;
    private const ushort VersionZip64 = 45;
    private const ushort DosTime = 0; // 00:00:00
    private const ushort DosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01: fixed, so the same content gives the same bytes
    private const int LocalHeaderSize = 30;

    private readonly Stream stream;
    private readonly long zip64OffsetLimit;
    private readonly int zip64CountLimit;
    private readonly List<(byte[] Name, uint Crc, uint Size, long Offset)> entries = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private long position;
    private bool finished;

    /// <summary>Writes to <paramref name="stream"/> from its current position; offsets in the archive count from there.</summary>
    public StoredZipWriter(Stream stream)
        : this(stream, uint.MaxValue, ushort.MaxValue)
    {
    }

    /// <summary>
    /// A writer that switches to zip64 records at lower limits than the format's (for tests of those records).
    /// </summary>
    internal StoredZipWriter(Stream stream, long zip64OffsetLimit, int zip64CountLimit)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
        this.zip64OffsetLimit = zip64OffsetLimit;
        this.zip64CountLimit = zip64CountLimit;
    }

    /// <summary>Adds an entry named <paramref name="name"/> (ASCII, '/'-separated) holding <paramref name="data"/>.</summary>
    public void Add(string name, ReadOnlySpan<byte> data)
    {
        if (finished)
        {
            throw new InvalidOperationException("The archive is already finished.");
        }

        if (!names.Add(name))
        {
            throw new InvalidOperationException($"The archive already has an entry '{name}'.");
        }

        byte[] nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length > ushort.MaxValue - 1 || Encoding.ASCII.GetString(nameBytes) != name)
        {
            throw new ArgumentException($"The entry name '{name}' is not a short ASCII name.", nameof(name));
        }

        if ((ulong)data.Length >= uint.MaxValue)
        {
            throw new ArgumentException($"The entry '{name}' is {data.Length} bytes; entries of 4 GiB or more are not supported.", nameof(data));
        }

        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data);
        long offset = position;
        long unpadded = offset + LocalHeaderSize + nameBytes.Length + 4;
        int padding = (int)((Alignment - (unpadded % Alignment)) % Alignment);

        var header = new byte[LocalHeaderSize + nameBytes.Length + 4 + padding];
        Span<byte> h = header;
        BinaryPrimitives.WriteUInt32LittleEndian(h, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(4), VersionDefault);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(6), 0); // flags
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(8), 0); // method: stored
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(10), DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(12), DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(14), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(18), (uint)data.Length); // compressed size
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(22), (uint)data.Length); // uncompressed size
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(26), (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(28), (ushort)(4 + padding));
        nameBytes.CopyTo(h.Slice(LocalHeaderSize));
        Span<byte> extra = h.Slice(LocalHeaderSize + nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(extra, PaddingFieldId);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.Slice(2), (ushort)padding);
        extra.Slice(4).Fill((byte)'Z');

        Write(header);
        Write(data);
        entries.Add((nameBytes, crc, (uint)data.Length, offset));
    }

    /// <summary>Writes the central directory and the end records. The stream is not flushed or closed.</summary>
    public void Finish()
    {
        if (finished)
        {
            throw new InvalidOperationException("The archive is already finished.");
        }

        finished = true;
        long centralStart = position;
        foreach (var (name, crc, size, offset) in entries)
        {
            bool zip64 = offset >= this.zip64OffsetLimit;
            int extraLength = zip64 ? 12 : 0;
            var header = new byte[46 + name.Length + extraLength];
            Span<byte> h = header;
            ushort version = zip64 ? VersionZip64 : VersionDefault;
            BinaryPrimitives.WriteUInt32LittleEndian(h, CentralHeaderSignature);
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(4), version); // made by (MS-DOS attributes)
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(6), version); // needed to extract
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(8), 0); // flags
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(10), 0); // method: stored
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(12), DosTime);
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(14), DosDate);
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(16), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(20), size);
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(24), size);
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(28), (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(30), (ushort)extraLength);
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(32), 0); // comment length
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(34), 0); // disk number
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(36), 0); // internal attributes
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(38), 0); // external attributes
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(42), zip64 ? uint.MaxValue : (uint)offset);
            name.CopyTo(h.Slice(46));
            if (zip64)
            {
                Span<byte> extra = h.Slice(46 + name.Length);
                BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64FieldId);
                BinaryPrimitives.WriteUInt16LittleEndian(extra.Slice(2), 8);
                BinaryPrimitives.WriteUInt64LittleEndian(extra.Slice(4), (ulong)offset);
            }

            Write(header);
        }

        long centralSize = position - centralStart;
        int count = entries.Count;
        bool countOverflows = count >= this.zip64CountLimit;
        bool startOverflows = centralStart >= this.zip64OffsetLimit;
        bool sizeOverflows = centralSize >= this.zip64OffsetLimit;
        if (countOverflows || startOverflows || sizeOverflows)
        {
            long zip64EndStart = position;
            var record = new byte[56 + 20];
            Span<byte> r = record;
            BinaryPrimitives.WriteUInt32LittleEndian(r, Zip64EndOfCentralDirectorySignature);
            BinaryPrimitives.WriteUInt64LittleEndian(r.Slice(4), 44); // size of the rest of the record
            BinaryPrimitives.WriteUInt16LittleEndian(r.Slice(12), VersionZip64);
            BinaryPrimitives.WriteUInt16LittleEndian(r.Slice(14), VersionZip64);
            BinaryPrimitives.WriteUInt32LittleEndian(r.Slice(16), 0); // this disk
            BinaryPrimitives.WriteUInt32LittleEndian(r.Slice(20), 0); // disk of the central directory
            BinaryPrimitives.WriteUInt64LittleEndian(r.Slice(24), (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(r.Slice(32), (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(r.Slice(40), (ulong)centralSize);
            BinaryPrimitives.WriteUInt64LittleEndian(r.Slice(48), (ulong)centralStart);
            Span<byte> locator = r.Slice(56);
            BinaryPrimitives.WriteUInt32LittleEndian(locator, Zip64LocatorSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(locator.Slice(4), 0); // disk of the zip64 end record
            BinaryPrimitives.WriteUInt64LittleEndian(locator.Slice(8), (ulong)zip64EndStart);
            BinaryPrimitives.WriteUInt32LittleEndian(locator.Slice(16), 1); // total disks
            Write(record);
        }

        var end = new byte[22];
        Span<byte> e = end;
        ushort shortCount = countOverflows ? ushort.MaxValue : (ushort)count;
        BinaryPrimitives.WriteUInt32LittleEndian(e, EndOfCentralDirectorySignature);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(4), 0); // this disk
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(6), 0); // disk of the central directory
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(8), shortCount);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(10), shortCount);
        BinaryPrimitives.WriteUInt32LittleEndian(e.Slice(12), sizeOverflows ? uint.MaxValue : (uint)centralSize);
        BinaryPrimitives.WriteUInt32LittleEndian(e.Slice(16), startOverflows ? uint.MaxValue : (uint)centralStart);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(20), 0); // comment length
        Write(end);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        this.stream.Write(bytes);
        position += bytes.Length;
    }
}
