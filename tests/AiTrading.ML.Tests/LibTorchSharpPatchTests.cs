using System.Diagnostics;
using AiTrading.Core.Tests;
using static TorchSharp.torch;

namespace AiTrading.ML.Tests;

/// <summary>The build step that makes TorchSharp's native library load on a libstdc++ without GLIBCXX_3.4.32 (Debian 12).</summary>
public sealed class LibTorchSharpPatchTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aitrading-torchpatch-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_library_in_this_test_output_loads_and_runs_an_lstm_on_cpu()
    {
        using var lstm = nn.LSTM(4, 8, batchFirst: true);
        var (output, _, _) = lstm.forward(randn(2, 5, 4));
        output.shape.ShouldBe([2L, 5L, 8L]);
    }

    [Fact]
    public void Patches_a_pristine_copy_once_and_leaves_it_alone_where_libstdcxx_has_the_version()
    {
        var pristine = Pristine();
        pristine.ShouldNotBeNull("the restored TorchSharp package holds the unpatched library");
        var library = Path.Combine(_directory, "libLibTorchSharp.so");
        File.Copy(pristine, library);

        // A libstdc++ that has the version: nothing changes.
        var modern = Path.Combine(_directory, "libstdc++-modern.so");
        File.WriteAllText(modern, "GLIBCXX_3.4.30 GLIBCXX_3.4.31 GLIBCXX_3.4.32");
        var before = File.ReadAllBytes(library);
        Run(library, modern).ShouldContain("left as it is");
        File.ReadAllBytes(library).ShouldBe(before);

        // One without it: patched, then a second run does nothing.
        var old = Path.Combine(_directory, "libstdc++-old.so");
        File.WriteAllText(old, "GLIBCXX_3.4.29 GLIBCXX_3.4.30");
        Run(library, old).ShouldContain("patched");
        File.Exists(Path.Combine(_directory, "libaitrading-ios-base-init.so")).ShouldBeTrue();
        var versions = Tool("readelf", "-V", library);
        versions.ShouldContain("GLIBCXX_3.4.32  Flags: WEAK");
        Tool("patchelf", "--print-needed", library).ShouldContain("libaitrading-ios-base-init.so");
        Tool("patchelf", "--print-rpath", library).Trim().ShouldBe("$ORIGIN");
        Run(library, old).ShouldContain("already patched");
    }

    private string Run(string library, string libstdcxx)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SharedData.Repository("build/torchsharp/patch-libtorchsharp.sh"));
        start.ArgumentList.Add(Path.GetDirectoryName(library)!);
        start.ArgumentList.Add(Path.Combine(_directory, "tools"));
        start.Environment["LIBSTDCXX"] = libstdcxx;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, output);
        return output;
    }

    private static string Tool(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardOutput = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private static string? Pristine()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(root, "torchsharp", typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3), "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }
}
