using System.Text;

namespace T2F.Core.Tests.Compat;

/// <summary>Builds a minimal ELF64 file with .dynstr, .gnu.version_r, .dynsym and .gnu.version sections.</summary>
internal static class SyntheticElf
{
    public const string Weakable = "GLIBCXX_3.4.32";
    public const string Base = "GLIBCXX_3.4";
    public const string AllowedSymbol = "_ZSt21ios_base_library_initv";
    public const string OtherSymbol = "_ZNSt6thread4joinEv";

    /// <summary>Two symbols: the allowed one always needs <see cref="Weakable"/>; the other needs <paramref name="otherSymbolVersion"/>.</summary>
    public static byte[] Build(string otherSymbolVersion, ushort weakableFlags = 0)
    {
        var dynstr = new MemoryStream();
        int Str(string s)
        {
            int at = (int)dynstr.Length;
            var b = Encoding.ASCII.GetBytes(s + "\0");
            dynstr.Write(b);
            return at;
        }

        Str(string.Empty);
        int lib = Str("libstdc++.so.6");
        int vWeak = Str(Weakable);
        int vBase = Str(Base);
        int symA = Str(AllowedSymbol);
        int symB = Str(OtherSymbol);

        var verneed = new BinaryWriter(new MemoryStream());
        verneed.Write((ushort)1); verneed.Write((ushort)2); verneed.Write((uint)lib); verneed.Write(16u); verneed.Write(0u);
        verneed.Write(0x8bb6e02u); verneed.Write(weakableFlags); verneed.Write((ushort)2); verneed.Write((uint)vWeak); verneed.Write(16u);
        verneed.Write(0x56297f0u); verneed.Write((ushort)0); verneed.Write((ushort)3); verneed.Write((uint)vBase); verneed.Write(0u);

        var dynsym = new BinaryWriter(new MemoryStream());
        dynsym.Write(new byte[24]);
        foreach (int name in new[] { symA, symB })
        {
            dynsym.Write((uint)name); dynsym.Write((byte)0x12); dynsym.Write((byte)0); dynsym.Write((ushort)0); dynsym.Write(0UL); dynsym.Write(0UL);
        }

        var versym = new BinaryWriter(new MemoryStream());
        versym.Write((ushort)0); versym.Write((ushort)2); versym.Write(otherSymbolVersion == Weakable ? (ushort)2 : (ushort)3);

        byte[][] bodies = { dynstr.ToArray(), ((MemoryStream)verneed.BaseStream).ToArray(), ((MemoryStream)dynsym.BaseStream).ToArray(), ((MemoryStream)versym.BaseStream).ToArray() };
        uint[] types = { 3, 0x6ffffffe, 11, 0x6fffffff };
        uint[] links = { 0, 1, 1, 3 };

        var file = new MemoryStream();
        file.Write(new byte[64]);
        var offsets = new long[bodies.Length];
        for (int i = 0; i < bodies.Length; i++)
        {
            while (file.Length % 8 != 0) file.WriteByte(0);
            offsets[i] = file.Length;
            file.Write(bodies[i]);
        }

        while (file.Length % 8 != 0) file.WriteByte(0);
        long shoff = file.Length;
        var sh = new BinaryWriter(file);
        sh.Write(new byte[64]); // null section
        for (int i = 0; i < bodies.Length; i++)
        {
            sh.Write(0u); sh.Write(types[i]); sh.Write(0UL); sh.Write(0UL); sh.Write((ulong)offsets[i]); sh.Write((ulong)bodies[i].Length);
            sh.Write(links[i]); sh.Write(0u); sh.Write(8UL); sh.Write(0UL);
        }

        var bytes = file.ToArray();
        bytes[0] = 0x7f; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F'; bytes[4] = 2; bytes[5] = 1; bytes[6] = 1;
        BitConverter.TryWriteBytes(bytes.AsSpan(0x28), (ulong)shoff);
        BitConverter.TryWriteBytes(bytes.AsSpan(0x34), (ushort)64);
        BitConverter.TryWriteBytes(bytes.AsSpan(0x3A), (ushort)64);
        BitConverter.TryWriteBytes(bytes.AsSpan(0x3C), (ushort)(bodies.Length + 1));
        return bytes;
    }
}
