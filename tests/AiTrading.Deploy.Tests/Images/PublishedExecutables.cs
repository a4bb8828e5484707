using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace AiTrading.Deploy.Tests.Images;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishedExecutablesCollection : ICollectionFixture<PublishedExecutables>
{
    public const string Name = "published executables";
}

/// <summary>
/// `dotnet publish` of aitrading-silo and aitrading-gateway as the images publish them (the build of this test run,
/// --no-build), into folders any user can read; the programs run from there as an unprivileged user, with nothing in
/// their environment but what a container would have.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PublishedExecutables : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("aitrading-images-").FullName;
    private static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));

    public PublishedExecutables()
    {
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        Silo = Publish("src/AiTrading.Silo.Host/AiTrading.Silo.Host.csproj", "silo");
        Gateway = Publish("src/AiTrading.Gateway.Host/AiTrading.Gateway.Host.csproj", "gateway");
    }

    public string Silo { get; }
    public string Gateway { get; }
    public string SiloProgram => Path.Combine(Silo, "aitrading-silo");
    public string GatewayProgram => Path.Combine(Gateway, "aitrading-gateway");

    /// <summary>A folder of its own the unprivileged user may write (AITRADING_HOME, HOME).</summary>
    public string NewWorkFolder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, $"work-{Guid.NewGuid():N}")).FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        return folder;
    }

    /// <summary>Starts a published program as the images run it: not as root, with only the given environment.</summary>
    public RunningProgram Start(string program, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "/usr/bin/setpriv" : program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(program)!,
        };
        if (asRoot)
        {
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", program }) start.ArgumentList.Add(a);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return new RunningProgram(Process.Start(start)!, Path.GetFileName(program));
    }

    private string Publish(string project, string name)
    {
        var output = Path.Combine(_root, name);
        var configuration = typeof(PublishedExecutables).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "publish", SharedData.Repository(project), "-c", configuration, "--no-build", "-p:ImageRuntime=linux-x64", "-o", output, "-nodeReuse:false" })
            start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"publishing {name} took over 5 minutes"); }
        process.ExitCode.ShouldBe(0, stdout.Result + stderr.Result);
        return output;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>A started program: its output so far, SIGTERM, and its end.</summary>
public sealed class RunningProgram : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _name;

    public RunningProgram(Process process, string name)
    {
        _process = process;
        _name = name;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <summary>What Kubernetes sends a container to stop it (the images' STOPSIGNAL).</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"could not signal {_name}: errno {Marshal.GetLastPInvokeError()}");
    }

    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} did not exit within {timeout}; its output:\n{Output}");
        }
        return _process.ExitCode;
    }

    public override string ToString() => $"{_name} output:\n{Output}";

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
