using System.Buffers.Binary;
using System.Text;

namespace T2F.Core.Tests.Checkpoints;

/// <summary>
/// Walks the opcodes of a pickle (the subset of protocol 2 that torch.save and <c>torch.load(weights_only=True)</c>
/// use) without building anything, so tests can check which opcodes and globals a pickle uses. Any other opcode
/// fails the walk.
/// </summary>
internal static class PickleOpcodeScanner
{
    /// <summary>The opcodes <c>torch._weights_only_unpickler</c> implements, by name.</summary>
    public static readonly IReadOnlySet<string> WeightsOnlyOpcodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "PROTO", "STOP", "MARK", "NONE", "NEWTRUE", "NEWFALSE", "BININT", "BININT1", "BININT2", "LONG1", "BINFLOAT",
        "BINUNICODE", "SHORT_BINSTRING", "EMPTY_DICT", "EMPTY_LIST", "EMPTY_TUPLE", "EMPTY_SET", "TUPLE", "TUPLE1",
        "TUPLE2", "TUPLE3", "SETITEM", "SETITEMS", "APPEND", "APPENDS", "REDUCE", "BUILD", "NEWOBJ", "BINPERSID",
        "BINPUT", "LONG_BINPUT", "BINGET", "LONG_BINGET", "GLOBAL",
    };

    /// <summary>Every opcode in order, with its argument where it has one (a global is <c>module.name</c>).</summary>
    public static List<(string Name, object? Argument)> Scan(byte[] pickle)
    {
        var ops = new List<(string, object?)>();
        int pos = 0;
        while (true)
        {
            if (pos >= pickle.Length)
            {
                throw new InvalidDataException("The pickle ends without STOP.");
            }

            byte op = pickle[pos++];
            switch (op)
            {
                case 0x80: ops.Add(("PROTO", (long)pickle[pos])); pos += 1; break;
                case (byte)'.': ops.Add(("STOP", null)); return ops;
                case (byte)'(': ops.Add(("MARK", null)); break;
                case (byte)'N': ops.Add(("NONE", null)); break;
                case 0x88: ops.Add(("NEWTRUE", null)); break;
                case 0x89: ops.Add(("NEWFALSE", null)); break;
                case (byte)'J': ops.Add(("BININT", (long)BinaryPrimitives.ReadInt32LittleEndian(pickle.AsSpan(pos)))); pos += 4; break;
                case (byte)'K': ops.Add(("BININT1", (long)pickle[pos])); pos += 1; break;
                case (byte)'M': ops.Add(("BININT2", (long)BinaryPrimitives.ReadUInt16LittleEndian(pickle.AsSpan(pos)))); pos += 2; break;
                case 0x8a:
                    {
                        int n = pickle[pos];
                        ops.Add(("LONG1", new System.Numerics.BigInteger(pickle.AsSpan(pos + 1, n), isUnsigned: false, isBigEndian: false)));
                        pos += 1 + n;
                        break;
                    }

                case (byte)'G': ops.Add(("BINFLOAT", BinaryPrimitives.ReadDoubleBigEndian(pickle.AsSpan(pos)))); pos += 8; break;
                case (byte)'X':
                    {
                        int n = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(pickle.AsSpan(pos)));
                        ops.Add(("BINUNICODE", Encoding.UTF8.GetString(pickle, pos + 4, n)));
                        pos += 4 + n;
                        break;
                    }

                case (byte)'}': ops.Add(("EMPTY_DICT", null)); break;
                case (byte)']': ops.Add(("EMPTY_LIST", null)); break;
                case (byte)')': ops.Add(("EMPTY_TUPLE", null)); break;
                case (byte)'t': ops.Add(("TUPLE", null)); break;
                case 0x85: ops.Add(("TUPLE1", null)); break;
                case 0x86: ops.Add(("TUPLE2", null)); break;
                case 0x87: ops.Add(("TUPLE3", null)); break;
                case (byte)'s': ops.Add(("SETITEM", null)); break;
                case (byte)'u': ops.Add(("SETITEMS", null)); break;
                case (byte)'a': ops.Add(("APPEND", null)); break;
                case (byte)'e': ops.Add(("APPENDS", null)); break;
                case (byte)'R': ops.Add(("REDUCE", null)); break;
                case (byte)'b': ops.Add(("BUILD", null)); break;
                case (byte)'Q': ops.Add(("BINPERSID", null)); break;
                case (byte)'q': ops.Add(("BINPUT", (long)pickle[pos])); pos += 1; break;
                case (byte)'r': ops.Add(("LONG_BINPUT", (long)BinaryPrimitives.ReadUInt32LittleEndian(pickle.AsSpan(pos)))); pos += 4; break;
                case (byte)'h': ops.Add(("BINGET", (long)pickle[pos])); pos += 1; break;
                case (byte)'j': ops.Add(("LONG_BINGET", (long)BinaryPrimitives.ReadUInt32LittleEndian(pickle.AsSpan(pos)))); pos += 4; break;
                case (byte)'c':
                    {
                        string module = ReadLine(pickle, ref pos);
                        string name = ReadLine(pickle, ref pos);
                        ops.Add(("GLOBAL", module + "." + name));
                        break;
                    }

                default:
                    throw new InvalidDataException($"Opcode 0x{op:x2} at {pos - 1} is not one torch.save writes.");
            }
        }
    }

    private static string ReadLine(byte[] pickle, ref int pos)
    {
        int end = Array.IndexOf(pickle, (byte)'\n', pos);
        if (end < 0)
        {
            throw new InvalidDataException("GLOBAL without a newline.");
        }

        string s = Encoding.ASCII.GetString(pickle, pos, end - pos);
        pos = end + 1;
        return s;
    }
}
