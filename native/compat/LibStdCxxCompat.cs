// Makes TorchSharp's native library load on Linux distributions whose libstdc++ is older than the one
// libLibTorchSharp.so was linked against (Debian 12: GCC 12's libstdc++, up to GLIBCXX_3.4.30, while
// TorchSharp 0.107 asks for GLIBCXX_3.4.32).
//
// Why this is safe: the only symbol that carries the GLIBCXX_3.4.32 requirement is
// _ZSt21ios_base_library_initv (std::ios_base_library_init), which GCC 13 references from <iostream>
// only to pull in the stream initialisation; nothing relocates against it. Marking that one
// version requirement weak (VER_FLG_WEAK in .gnu.version_r) lets ld.so load the library on an older
// libstdc++. The patcher refuses to weaken a version that any other symbol needs.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as an inline task (shipped in the
// package's buildTransitive folder) and, with T2F_ELF_ONLY defined, by the unit tests.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace T2F.Compat
{
    /// <summary>Outcome of <see cref="ElfVersionNeedPatcher.Patch"/> for one file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The file does not require the version at all.</summary>
        NotRequired,
        /// <summary>The requirement was already weak; nothing written.</summary>
        AlreadyWeak,
        /// <summary>The requirement was made weak.</summary>
        Patched,
    }

    /// <summary>Reads and edits the version-needed table (.gnu.version_r) of a 64-bit little-endian ELF file.</summary>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>The libstdc++ version TorchSharp 0.107 requires and Debian 12 lacks.</summary>
        public const string DefaultVersion = "GLIBCXX_3.4.32";

        /// <summary>The one symbol allowed to depend on a weakened version.</summary>
        public const string DefaultAllowedSymbol = "_ZSt21ios_base_library_initv";

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const uint ShtDynsym = 11;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>One entry of the version-needed table.</summary>
        public sealed class VersionNeed
        {
            internal VersionNeed(string file, string version, ushort flags, ushort index, long flagsOffset)
            {
                File = file;
                Version = version;
                Flags = flags;
                Index = index;
                FlagsOffset = flagsOffset;
            }

            /// <summary>The needed library (e.g. libstdc++.so.6).</summary>
            public string File { get; }

            /// <summary>The needed version name (e.g. GLIBCXX_3.4.32).</summary>
            public string Version { get; }

            /// <summary>vna_flags.</summary>
            public ushort Flags { get; }

            /// <summary>vna_other: the version index that .gnu.version uses for symbols of this version.</summary>
            public ushort Index { get; }

            /// <summary>File offset of vna_flags.</summary>
            public long FlagsOffset { get; }

            /// <summary>True when the requirement is weak.</summary>
            public bool IsWeak => (Flags & VerFlgWeak) != 0;
        }

        /// <summary>Lists every (library, version) requirement of an ELF image.</summary>
        public static IReadOnlyList<VersionNeed> ReadVersionNeeds(byte[] elf)
        {
            var image = new ElfImage(elf);
            var result = new List<VersionNeed>();
            var verneed = image.FindSection(ShtGnuVerneed);
            if (verneed is null)
            {
                return result;
            }

            var strtab = image.Sections[(int)verneed.Value.Link];
            long entry = verneed.Value.Offset;
            for (int n = 0; n < 4096; n++)
            {
                ushort count = image.U16(entry + 2);
                string file = image.CString(strtab.Offset + image.U32(entry + 4));
                long aux = entry + image.U32(entry + 8);
                for (int a = 0; a < count; a++)
                {
                    ushort flags = image.U16(aux + 4);
                    ushort other = image.U16(aux + 6);
                    string name = image.CString(strtab.Offset + image.U32(aux + 8));
                    result.Add(new VersionNeed(file, name, flags, other, aux + 4));
                    uint nextAux = image.U32(aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                uint next = image.U32(entry + 12);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }

            return result;
        }

        /// <summary>Names of the dynamic symbols whose version index is <paramref name="versionIndex"/>.</summary>
        public static IReadOnlyList<string> SymbolsUsingVersion(byte[] elf, ushort versionIndex)
        {
            var image = new ElfImage(elf);
            var dynsym = image.FindSection(ShtDynsym);
            var versym = image.FindSection(ShtGnuVersym);
            var names = new List<string>();
            if (dynsym is null || versym is null)
            {
                return names;
            }

            var strtab = image.Sections[(int)dynsym.Value.Link];
            long count = dynsym.Value.Size / 24;
            for (long i = 0; i < count; i++)
            {
                ushort v = (ushort)(image.U16(versym.Value.Offset + (2 * i)) & 0x7fff);
                if (v == versionIndex)
                {
                    names.Add(image.CString(strtab.Offset + image.U32(dynsym.Value.Offset + (24 * i))));
                }
            }

            return names;
        }

        /// <summary>
        /// Marks the requirement on <paramref name="version"/> weak in <paramref name="elf"/> (in memory).
        /// Throws <see cref="InvalidDataException"/> if a symbol other than <paramref name="allowedSymbol"/>
        /// needs that version, because then weakening it would hide a real missing symbol.
        /// </summary>
        public static ElfPatchOutcome Patch(byte[] elf, string version = DefaultVersion, string allowedSymbol = DefaultAllowedSymbol)
        {
            var needs = ReadVersionNeeds(elf).Where(n => n.Version == version).ToList();
            if (needs.Count == 0)
            {
                return ElfPatchOutcome.NotRequired;
            }

            if (needs.All(n => n.IsWeak))
            {
                return ElfPatchOutcome.AlreadyWeak;
            }

            foreach (var need in needs)
            {
                var users = SymbolsUsingVersion(elf, need.Index).Where(s => s != allowedSymbol).ToList();
                if (users.Count > 0)
                {
                    throw new InvalidDataException(
                        $"{version} is needed by symbols other than {allowedSymbol} ({string.Join(", ", users.Take(5))}); " +
                        "making it weak would hide a real incompatibility. Install a libstdc++ that provides " + version + ".");
                }

                ushort flags = (ushort)(need.Flags | VerFlgWeak);
                elf[need.FlagsOffset] = (byte)flags;
                elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
            }

            return ElfPatchOutcome.Patched;
        }

        /// <summary>True when the ELF file's version definitions (or, failing that, its bytes) name <paramref name="version"/>.</summary>
        public static bool LibraryProvidesVersion(string libraryPath, string version)
        {
            byte[] bytes = File.ReadAllBytes(libraryPath);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = 0; i + needle.Length <= bytes.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && bytes[i + j] == needle[j])
                {
                    j++;
                }

                if (j == needle.Length)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Finds the system libstdc++.so.6 the dynamic loader would pick, or null.</summary>
        public static string? FindSystemLibStdCxx()
        {
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6",
                "/usr/lib/libstdc++.so.6",
                "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/lib64/libstdc++.so.6",
            };
            return candidates.FirstOrDefault(File.Exists);
        }

        /// <summary>
        /// Patches a file on disk atomically: writes a sibling temp file and renames it over the original,
        /// so a hard link into a package cache is never modified in place.
        /// </summary>
        public static ElfPatchOutcome PatchFile(string path, string version = DefaultVersion, string allowedSymbol = DefaultAllowedSymbol)
        {
            byte[] bytes = File.ReadAllBytes(path);
            var outcome = Patch(bytes, version, allowedSymbol);
            if (outcome != ElfPatchOutcome.Patched)
            {
                return outcome;
            }

            // File.Copy keeps the file mode; the copy is a new inode, so a hard link into a package cache stays untouched.
            string temp = path + ".t2f-patch.tmp";
            File.Copy(path, temp, overwrite: true);
            using (var stream = new FileStream(temp, FileMode.Truncate, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(true);
            }

            File.Replace(temp, path, null);
            return outcome;
        }

        private struct Section
        {
            public Section(uint type, long offset, long size, uint link)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
            }

            public uint Type { get; }

            public long Offset { get; }

            public long Size { get; }

            public uint Link { get; }
        }

        private sealed class ElfImage
        {
            private readonly byte[] data;

            public ElfImage(byte[] data)
            {
                this.data = data;
                if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
                {
                    throw new InvalidDataException("Not an ELF file (bad magic).");
                }

                if (data[4] != 2 || data[5] != 1)
                {
                    throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
                }

                long shoff = (long)U64(0x28);
                ushort shentsize = U16(0x3A);
                ushort shnum = U16(0x3C);
                if (shoff <= 0 || shentsize < 64 || shoff + ((long)shnum * shentsize) > data.Length)
                {
                    throw new InvalidDataException("ELF section header table is missing or truncated.");
                }

                var sections = new Section[shnum];
                for (int i = 0; i < shnum; i++)
                {
                    long h = shoff + ((long)i * shentsize);
                    sections[i] = new Section(U32(h + 4), (long)U64(h + 0x18), (long)U64(h + 0x20), U32(h + 0x28));
                    if (sections[i].Type != 8 /* SHT_NOBITS */ && sections[i].Offset + sections[i].Size > data.Length)
                    {
                        throw new InvalidDataException($"ELF section {i} lies outside the file (truncated file?).");
                    }
                }

                Sections = sections;
            }

            public Section[] Sections { get; }

            public Section? FindSection(uint type)
            {
                foreach (var s in Sections)
                {
                    if (s.Type == type)
                    {
                        return s;
                    }
                }

                return null;
            }

            public ushort U16(long at)
            {
                Check(at, 2);
                return (ushort)(data[at] | (data[at + 1] << 8));
            }

            public uint U32(long at)
            {
                Check(at, 4);
                return (uint)(data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24));
            }

            public ulong U64(long at) => U32(at) | ((ulong)U32(at + 4) << 32);

            public string CString(long at)
            {
                Check(at, 1);
                int end = Array.IndexOf(data, (byte)0, (int)at);
                if (end < 0)
                {
                    throw new InvalidDataException("Unterminated string in ELF string table.");
                }

                return Encoding.ASCII.GetString(data, (int)at, end - (int)at);
            }

            private void Check(long at, int size)
            {
                if (at < 0 || at + size > data.Length)
                {
                    throw new InvalidDataException($"ELF read at offset {at} runs past the end of the file (truncated file?).");
                }
            }
        }
    }

#if !T2F_ELF_ONLY
    /// <summary>
    /// MSBuild task: makes every libLibTorchSharp.so under the given folders load on an older libstdc++.
    /// A no-op on non-Linux hosts and where the system libstdc++ already provides the version.
    /// </summary>
    public sealed class PatchLibTorchSharpForOldLibStdCxx : Microsoft.Build.Utilities.Task
    {
        /// <summary>Folders (output, publish) to search recursively for libLibTorchSharp.so.</summary>
        [Microsoft.Build.Framework.Required]
        public string[] Folders { get; set; } = Array.Empty<string>();

        /// <inheritdoc />
        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
            {
                return true;
            }

            string? libstdcxx = ElfVersionNeedPatcher.FindSystemLibStdCxx();
            if (libstdcxx != null && ElfVersionNeedPatcher.LibraryProvidesVersion(libstdcxx, ElfVersionNeedPatcher.DefaultVersion))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{libstdcxx} provides {ElfVersionNeedPatcher.DefaultVersion}; libLibTorchSharp.so left as is.");
                return true;
            }

            foreach (string folder in Folders.Where(Directory.Exists).Distinct())
            {
                foreach (string file in Directory.EnumerateFiles(folder, "libLibTorchSharp.so", SearchOption.AllDirectories))
                {
                    try
                    {
                        var outcome = ElfVersionNeedPatcher.PatchFile(file);
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"T2F.Core: {file}: {outcome}");
                    }
                    catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
                    {
                        Log.LogWarning($"T2F.Core: could not make {file} load on this libstdc++: {e.Message}");
                    }
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
