using System.Text;
using AiTrading.Build;
using static TorchSharp.torch;

namespace AiTrading.ML.Tests;

/// <summary>
/// The build's edit that makes TorchSharp's native library load on a libstdc++ without GLIBCXX_3.4.32 (Debian 12):
/// build/torchsharp/PatchLibTorchSharp.cs, run by MSBuild on every build and publish output.
/// </summary>
public sealed class LibTorchSharpPatchTests
{
    private static readonly string Output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    [Fact]
    public void The_library_in_this_test_output_is_patched_and_runs_an_lstm_on_cpu()
    {
        var library = Path.Combine(Output, "libLibTorchSharp.so");
        LibTorchSharpElfPatch.Apply(File.ReadAllBytes(library), library).ShouldBe(LibTorchSharpPatchOutcome.AlreadyPatched);

        using var lstm = nn.LSTM(4, 8, batchFirst: true);
        var (output, _, _) = lstm.forward(randn(2, 5, 4));
        output.shape.ShouldBe([2L, 5L, 8L]);
    }

    [Fact]
    public void A_pristine_copy_is_changed_in_three_fields_once_and_left_alone_the_second_time()
    {
        var pristine = File.ReadAllBytes(Pristine());
        var patched = (byte[])pristine.Clone();
        LibTorchSharpElfPatch.Apply(patched, "copy").ShouldBe(LibTorchSharpPatchOutcome.Patched);

        // The need's flags, the symbol's version index and the symbol's binding: one changed byte each.
        Enumerable.Range(0, pristine.Length).Count(i => pristine[i] != patched[i]).ShouldBe(3);
        var again = (byte[])patched.Clone();
        LibTorchSharpElfPatch.Apply(again, "copy").ShouldBe(LibTorchSharpPatchOutcome.AlreadyPatched);
        again.ShouldBe(patched);
    }

    [Fact]
    public void A_file_is_patched_in_place_and_a_library_without_the_need_is_left_as_it_is()
    {
        var directory = Directory.CreateTempSubdirectory("aitrading-torchpatch-").FullName;
        try
        {
            var library = Path.Combine(directory, "libLibTorchSharp.so");
            File.Copy(Pristine(), library);
            LibTorchSharpElfPatch.Apply(library).ShouldBe(LibTorchSharpPatchOutcome.Patched);
            LibTorchSharpElfPatch.Apply(library).ShouldBe(LibTorchSharpPatchOutcome.AlreadyPatched);
            Directory.GetFiles(directory).ShouldBe([library]);

            var c10 = Path.Combine(directory, "libc10.so");
            File.Copy(Path.Combine(Output, "libc10.so"), c10);
            var before = File.ReadAllBytes(c10);
            LibTorchSharpElfPatch.Apply(c10).ShouldBe(LibTorchSharpPatchOutcome.NotNeeded);
            File.ReadAllBytes(c10).ShouldBe(before);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [Fact]
    public void A_library_that_needs_the_version_for_a_symbol_it_calls_is_refused_and_so_is_a_file_that_is_not_elf()
    {
        // Give a second imported symbol the GLIBCXX_3.4.32 version index: leaving that one unresolved would crash later.
        var elf = File.ReadAllBytes(Pristine());
        var other = VersionEntry(elf, "_ZNSt8ios_baseD2Ev");
        var hook = VersionEntry(elf, LibTorchSharpElfPatch.Symbol);
        elf[other] = elf[hook];
        elf[other + 1] = elf[hook + 1];

        var e = Should.Throw<InvalidDataException>(() => LibTorchSharpElfPatch.Apply(elf, "copy"));
        e.Message.ShouldBe("copy: _ZNSt8ios_baseD2Ev also needs GLIBCXX_3.4.32; only _ZSt21ios_base_library_initv may be left unresolved");

        Should.Throw<InvalidDataException>(() => LibTorchSharpElfPatch.Apply(Encoding.ASCII.GetBytes("#!/bin/sh\necho not a library\n".PadRight(80)), "script"))
            .Message.ShouldBe("script: not a little-endian ELF64 file");
    }

    /// <summary>Where the version index of the dynamic symbol <paramref name="symbol"/> is stored.</summary>
    private static int VersionEntry(byte[] elf, string symbol)
    {
        var sectionTable = (int)BitConverter.ToUInt64(elf, 0x28);
        int sectionSize = BitConverter.ToUInt16(elf, 0x3a), count = BitConverter.ToUInt16(elf, 0x3c);
        (int Offset, int Size, int Link) Section(uint type)
        {
            for (var i = 0; i < count; i++)
            {
                var at = sectionTable + i * sectionSize;
                if (BitConverter.ToUInt32(elf, at + 4) == type)
                    return ((int)BitConverter.ToUInt64(elf, at + 0x18), (int)BitConverter.ToUInt64(elf, at + 0x20), (int)BitConverter.ToUInt32(elf, at + 0x28));
            }
            throw new InvalidOperationException($"no section of type {type:x}");
        }
        var dynsym = Section(11);
        var versym = Section(0x6fffffff);
        var strings = (int)BitConverter.ToUInt64(elf, sectionTable + dynsym.Link * sectionSize + 0x18);
        for (var i = 0; i < dynsym.Size / 24; i++)
        {
            var at = strings + (int)BitConverter.ToUInt32(elf, dynsym.Offset + i * 24);
            if (Encoding.ASCII.GetString(elf, at, Array.IndexOf(elf, (byte)0, at) - at) == symbol) return versym.Offset + 2 * i;
        }
        throw new InvalidOperationException($"no symbol {symbol}");
    }

    private static string Pristine()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(root, "torchsharp", typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3), "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(path).ShouldBeTrue($"the restored TorchSharp package holds the unpatched library at {path}");
        return path;
    }
}
