// Compiled by MSBuild's RoslynCodeTaskFactory (Directory.Build.targets) and by AiTrading.ML.Tests.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AiTrading.Build
{
    /// <summary>What <see cref="LibTorchSharpElfPatch.Apply(string)"/> did to a library.</summary>
    public enum LibTorchSharpPatchOutcome { Patched, AlreadyPatched, NotNeeded }

    /// <summary>
    /// Makes TorchSharp 0.107's libLibTorchSharp.so (built with GCC 13) load on a libstdc++ older than GLIBCXX_3.4.32,
    /// e.g. Debian 12's, by editing three fields of its ELF file in place; no tool and no shim library is needed.
    /// The only symbol it takes from that version is std::ios_base_library_init(). GCC 13's &lt;iostream&gt; names it
    /// with a bare <c>.globl</c> so that the linker picks a libstdc++ that initialises the standard streams itself;
    /// nothing calls it and no relocation refers to it. So the edit (1) marks the GLIBCXX_3.4.32 entry of the
    /// version-needs section weak (VER_FLG_WEAK), so the loader no longer insists on that version, (2) makes the
    /// symbol unversioned and (3) makes it a weak undefined symbol, which may stay unresolved. The streams are still
    /// initialised before the library's own constructors run, by libstdc++ and libtorch (loaded first as DT_NEEDED).
    /// Where libstdc++ has the version the edited library loads as before, so output built on any machine runs on
    /// old and new libstdc++ alike. Any other symbol needing the version makes the patch refuse.
    /// </summary>
    public static class LibTorchSharpElfPatch
    {
        public const string Version = "GLIBCXX_3.4.32";
        public const string Symbol = "_ZSt21ios_base_library_initv";

        private const uint ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
        private const ushort VerFlgWeak = 0x2, VerNdxGlobal = 1;
        private const int StbGlobal = 1, StbWeak = 2, SymbolSize = 24;

        /// <summary>Patches the file in place (written whole beside it, then put in its place).</summary>
        public static LibTorchSharpPatchOutcome Apply(string path)
        {
            var elf = File.ReadAllBytes(path);
            var outcome = Apply(elf, path);
            if (outcome != LibTorchSharpPatchOutcome.Patched) return outcome;
            var temporary = path + ".patching";
            File.WriteAllBytes(temporary, elf);
            File.Replace(temporary, path, null);
            return outcome;
        }

        /// <summary>Edits the image in memory; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
        public static LibTorchSharpPatchOutcome Apply(byte[] elf, string name)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{name}: not a little-endian ELF64 file");
            var sectionTable = U64(elf, 0x28);
            int sectionSize = U16(elf, 0x3a), sectionCount = U16(elf, 0x3c);
            if (sectionSize < 64 || sectionTable == 0 || sectionTable + (ulong)(sectionSize * sectionCount) > (ulong)elf.Length)
                throw new InvalidDataException($"{name}: the section header table lies outside the file");

            Section? dynsym = null, versym = null, verneed = null;
            var sections = new Section[sectionCount];
            for (var i = 0; i < sectionCount; i++)
            {
                var at = (int)sectionTable + i * sectionSize;
                var offset = U64(elf, at + 0x18);
                var size = U64(elf, at + 0x20);
                if (offset + size > (ulong)elf.Length) throw new InvalidDataException($"{name}: section {i} lies outside the file");
                sections[i] = new Section(U32(elf, at + 4), (int)offset, (int)size, (int)U32(elf, at + 0x28), (int)U32(elf, at + 0x2c));
                if (sections[i].Type == ShtDynsym) dynsym = sections[i];
                else if (sections[i].Type == ShtGnuVersym) versym = sections[i];
                else if (sections[i].Type == ShtGnuVerneed) verneed = sections[i];
            }
            if (dynsym is null || versym is null || verneed is null)
                throw new InvalidDataException($"{name}: no dynamic symbol, symbol version or version-needs section");

            // The version-needs entry of GLIBCXX_3.4.32: where its flags are, and the version index symbols use for it.
            var needStrings = sections[verneed.Value.Link].Offset;
            int flagsAt = -1, versionIndex = -1;
            var need = verneed.Value.Offset;
            for (var n = 0; n < verneed.Value.Info; n++)
            {
                var aux = need + (int)U32(elf, need + 8);
                for (var a = 0; a < U16(elf, need + 2); a++)
                {
                    if (CString(elf, needStrings + (int)U32(elf, aux + 8)) == Version) { flagsAt = aux + 4; versionIndex = U16(elf, aux + 6); }
                    aux += (int)U32(elf, aux + 12);
                }
                need += (int)U32(elf, need + 12);
            }
            if (flagsAt < 0) return LibTorchSharpPatchOutcome.NotNeeded;

            // The symbols that need it (or, once patched, the one that used to): only the undefined iostream hook may.
            var symbolStrings = sections[dynsym.Value.Link].Offset;
            int symbolAt = -1, versymAt = -1;
            for (var i = 0; i < dynsym.Value.Size / SymbolSize; i++)
            {
                var at = dynsym.Value.Offset + i * SymbolSize;
                var symbolName = CString(elf, symbolStrings + (int)U32(elf, at));
                if (symbolName == Symbol) { symbolAt = at; versymAt = versym.Value.Offset + 2 * i; }
                else if ((U16(elf, versym.Value.Offset + 2 * i) & 0x7fff) == versionIndex)
                    throw new InvalidDataException($"{name}: {symbolName} also needs {Version}; only {Symbol} may be left unresolved");
            }
            if (symbolAt < 0) throw new InvalidDataException($"{name}: needs {Version} but imports no {Symbol}");
            if (U16(elf, symbolAt + 6) != 0) throw new InvalidDataException($"{name}: {Symbol} is defined here, not imported");

            var binding = elf[symbolAt + 4] >> 4;
            if (binding != StbGlobal && binding != StbWeak) throw new InvalidDataException($"{name}: {Symbol} has binding {binding}, not global or weak");
            var weakNeed = (U16(elf, flagsAt) & VerFlgWeak) != 0;
            if (weakNeed && binding == StbWeak && U16(elf, versymAt) == VerNdxGlobal) return LibTorchSharpPatchOutcome.AlreadyPatched;

            Put16(elf, flagsAt, (ushort)(U16(elf, flagsAt) | VerFlgWeak));
            Put16(elf, versymAt, VerNdxGlobal);
            elf[symbolAt + 4] = (byte)((StbWeak << 4) | (elf[symbolAt + 4] & 0xf));
            return LibTorchSharpPatchOutcome.Patched;
        }

        private readonly struct Section
        {
            public Section(uint type, int offset, int size, int link, int info) { Type = type; Offset = offset; Size = size; Link = link; Info = info; }
            public uint Type { get; }
            public int Offset { get; }
            public int Size { get; }
            public int Link { get; }
            public int Info { get; }
        }

        private static ushort U16(byte[] b, int at) => (ushort)(b[at] | b[at + 1] << 8);
        private static uint U32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
        private static ulong U64(byte[] b, int at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
        private static void Put16(byte[] b, int at, ushort value) { b[at] = (byte)value; b[at + 1] = (byte)(value >> 8); }

        private static string CString(byte[] b, int at)
        {
            var end = at >= 0 && at < b.Length ? Array.IndexOf(b, (byte)0, at) : -1;
            if (end < 0) throw new InvalidDataException("a string table entry lies outside the file or is unterminated");
            return Encoding.ASCII.GetString(b, at, end - at);
        }
    }

    /// <summary>MSBuild task: patches each of <see cref="Libraries"/> that exists (a second run changes nothing).</summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            foreach (var item in Libraries)
            {
                var path = item.GetMetadata("FullPath");
                if (!File.Exists(path)) continue;
                try
                {
                    var outcome = LibTorchSharpElfPatch.Apply(path);
                    Log.LogMessage(outcome == LibTorchSharpPatchOutcome.Patched ? MessageImportance.Normal : MessageImportance.Low,
                        "PatchLibTorchSharp: {0}: {1}", path, outcome);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    Log.LogError("PatchLibTorchSharp: {0}", e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
}
