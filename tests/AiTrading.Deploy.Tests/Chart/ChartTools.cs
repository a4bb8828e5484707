using System.Diagnostics;

namespace AiTrading.Deploy.Tests.Chart;

/// <summary>
/// The tools the chart tests run: the Go renderer kept beside these tests (built once per test run, offline, from
/// Debian's golang-go and Sprig packages) and, where installed, helm and kubectl.
/// </summary>
public static class ChartTools
{
    public static string ChartDirectory { get; } = SharedData.Repository("charts/aitrading");

    /// <summary>../shared/k8s beside the repository: the KEDA CRDs and the external scaler's proto.</summary>
    public static string SharedK8s { get; } = Path.Combine(Path.GetDirectoryName(SharedData.Directory)!, "k8s");

    private static readonly Lazy<string> Renderer = new(BuildRenderer, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RendererPath => Renderer.Value;

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string program, IEnumerable<string> arguments, string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? SharedData.Repository(""),
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        // Generous: a first go build of Sprig on a loaded 2-core machine takes a while.
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 10 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string BuildRenderer()
    {
        var go = OnPath("go") ?? throw new InvalidOperationException(
            "go is not on PATH: the chart tests build their Helm renderer with Debian's golang-go and " +
            "golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev, golang-github-xeipuuv-gojsonschema-dev (.ci/run installs them)");
        var output = Path.Combine(Path.GetTempPath(), $"aitrading-chart-renderer-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(output, recursive: true); } catch (IOException) { } };
        var binary = Path.Combine(output, "renderer");
        var environment = new Dictionary<string, string> { ["GO111MODULE"] = "off", ["GOPATH"] = "/usr/share/gocode", ["GOFLAGS"] = "" };
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOCACHE")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME")))
            environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "aitrading-go-cache");
        var result = Run(go, ["build", "-o", binary, "."], environment: environment,
            workingDirectory: SharedData.Repository("tests/AiTrading.Deploy.Tests/Chart/renderer"));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"go build of the chart renderer failed ({result.ExitCode}):\n{result.Stderr}{result.Stdout}");
        return binary;
    }
}
