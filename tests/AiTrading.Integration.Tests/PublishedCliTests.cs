using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using AiTrading.Core.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>
/// `dotnet publish` output of the CLI (what container images ship) with nothing but the .NET SDK on PATH: the
/// publish step needs no other tool, and every model kind trains and scores from the publish folder.
/// </summary>
public sealed class PublishedCliTests(PublishedCliTests.PublishedCli cli) : IClassFixture<PublishedCliTests.PublishedCli>
{
    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("fastforest")]
    [InlineData("lstm")]
    [InlineData("transformer")]
    [InlineData("cnn")]
    public async Task Every_model_kind_trains_and_scores_from_the_publish_folder(string kind)
    {
        var json = Path.Combine(cli.Work, $"{kind}.json");
        var (code, stdout, stderr) = await cli.Run("models", "train", "--kind", kind, "--data", SharedData.File("orcl-1995-2014.txt"),
            "--horizon", "5", "--json", json, "--epochs", "2", "--window", "8", "--trees", "20", "--device", "cpu");
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("out-of-sample AUC");
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        report.RootElement.GetProperty("kind").GetString().ShouldBe(kind);
        report.RootElement.GetProperty("auc").GetDouble().ShouldBeInRange(0, 1);

        var scores = Path.Combine(cli.Work, $"{kind}-yhoo.csv");
        (code, stdout, stderr) = await cli.Run("models", "predict", "--model", Path.ChangeExtension(json, ".model"), "--data", SharedData.File("yhoo-1996-2014.txt"), "--out", scores);
        code.ShouldBe(0, stderr);
        var rows = File.ReadAllLines(scores).Skip(1).ToArray();
        rows.Length.ShouldBeGreaterThan(4000);
        rows.Select(r => double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture)).ShouldAllBe(p => p >= 0 && p <= 1);
    }

    /// <summary>Publishes the CLI built for this test run once, into a temporary folder, with PATH holding only `dotnet`.</summary>
    public sealed class PublishedCli : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("aitrading-publish-").FullName;
        // The dotnet host running these tests: the SDK sets DOTNET_HOST_PATH for its children; else beside the runtime.
        private static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        private readonly string _dotnetRoot = System.IO.Path.GetDirectoryName(Dotnet)!;

        public PublishedCli()
        {
            var onlyDotnet = Directory.CreateDirectory(System.IO.Path.Combine(_root, "path")).FullName;
            File.CreateSymbolicLink(System.IO.Path.Combine(onlyDotnet, "dotnet"), Dotnet);
            Path = onlyDotnet;
            foreach (var tool in new[] { "patchelf", "g++", "gcc", "cc" })
                File.Exists(System.IO.Path.Combine(onlyDotnet, tool)).ShouldBeFalse($"{tool} must not be on the publish step's PATH");

            Output = Directory.CreateDirectory(System.IO.Path.Combine(_root, "out")).FullName;
            Work = Directory.CreateDirectory(System.IO.Path.Combine(_root, "work")).FullName;
            var configuration = typeof(PublishedCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var (code, stdout, stderr) = Execute(System.IO.Path.Combine(onlyDotnet, "dotnet"), ["publish", SharedData.Repository("src/AiTrading.Cli/AiTrading.Cli.csproj"), "-c", configuration,
                "--no-build", "-o", Output, "-nodeReuse:false"]);
            code.ShouldBe(0, stdout + stderr);
            File.Exists(System.IO.Path.Combine(Output, "runtimes", "linux-x64", "native", "libtorch_cpu.so")).ShouldBeTrue("libtorch is published");
        }

        public string Path { get; }
        public string Output { get; }
        public string Work { get; }

        public Task<(int ExitCode, string Output, string Error)> Run(params string[] arguments) =>
            Task.Run(() => Execute(System.IO.Path.Combine(Output, "aitrading"), arguments));

        private (int, string, string) Execute(string program, string[] arguments)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            start.Environment["PATH"] = Path;
            start.Environment["DOTNET_ROOT"] = _dotnetRoot;
            start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["UseSharedCompilation"] = "false";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{program} did not finish in 5 minutes"); }
            return (process.ExitCode, output.Result, error.Result);
        }

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
