using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace T2F.Core.Imaging;

/// <summary>
/// Encodes 8-bit RGB pixels as a PNG file (colour type 2, no interlacing) in managed code, so writing faces needs no
/// native imaging library. Each row takes the PNG filter (None, Sub, Up, Average, Paeth) whose output has the smallest
/// sum of absolute values (the libpng heuristic); the filtered rows are zlib-compressed.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10];

    /// <summary>Encodes packed RGB pixels (row-major, 3 bytes per pixel) as PNG bytes.</summary>
    /// <param name="rgb">width x height x 3 bytes.</param>
    /// <param name="width">Pixels per row, at least 1.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="level">zlib compression level (default <see cref="CompressionLevel.Optimal"/>).</param>
    /// <exception cref="ArgumentException">The sizes are not positive, exceed <see cref="ImageTensor.MaxDecodedPixels"/>, or do not match <paramref name="rgb"/>.</exception>
    public static byte[] EncodeRgb24(ReadOnlySpan<byte> rgb, int width, int height, CompressionLevel level = CompressionLevel.Optimal)
    {
        if (width < 1 || height < 1 || (long)width * height > ImageTensor.MaxDecodedPixels)
        {
            throw new ArgumentException($"A PNG of {width}x{height} pixels cannot be written; 1 to {ImageTensor.MaxDecodedPixels:N0} pixels are supported.");
        }

        int stride = width * 3;
        if (rgb.Length != (long)stride * height)
        {
            throw new ArgumentException($"{width}x{height} RGB pixels are {(long)stride * height} bytes; got {rgb.Length}.", nameof(rgb));
        }

        var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, level, leaveOpen: true))
        {
            var candidates = new byte[5][];
            for (int f = 0; f < 5; f++)
            {
                candidates[f] = new byte[stride + 1];
                candidates[f][0] = (byte)f;
            }

            for (int y = 0; y < height; y++)
            {
                var row = rgb.Slice(y * stride, stride);
                var above = y > 0 ? rgb.Slice((y - 1) * stride, stride) : ReadOnlySpan<byte>.Empty;
                byte[] best = candidates[0];
                long bestCost = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    long cost = Filter(f, row, above, candidates[f].AsSpan(1));
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        best = candidates[f];
                    }
                }

                zlib.Write(best);
            }
        }

        var png = new MemoryStream();
        png.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bits per channel
        header[9] = 2;  // colour type: RGB
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        WriteChunk(png, "IEND"u8, ReadOnlySpan<byte>.Empty);
        return png.ToArray();
    }

    // Writes row filtered with PNG filter `type` into `output`; returns the sum of the outputs read as signed bytes.
    private static long Filter(int type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> output)
    {
        long cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= 3 ? row[i - 3] : 0;
            int b = above.IsEmpty ? 0 : above[i];
            int c = i >= 3 && !above.IsEmpty ? above[i - 3] : 0;
            int predicted = type switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            byte value = (byte)(row[i] - predicted);
            output[i] = value;
            int signed = (sbyte)value; // as int: Math.Abs((sbyte)-128) would overflow
            cost += signed < 0 ? -signed : signed;
        }

        return cost;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        png.Write(type);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        png.Write(word);
    }
}
