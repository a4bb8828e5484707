using System.Collections.Concurrent;
using System.Diagnostics;

namespace AiTrading.Integration.Tests;

/// <summary>
/// A long-running `aitrading` command (run, silo) in its own process, its output collected line by line, with a user
/// data folder of its own (AITRADING_HOME) unless the caller names one; disposing kills it.
/// </summary>
public sealed class RunningCli : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _home;
    private readonly ConcurrentQueue<string> _lines = new();

    private RunningCli(Process process, string home) => (_process, _home) = (process, home);

    /// <summary>Every line written so far, stdout and stderr together, in arrival order per stream.</summary>
    public IReadOnlyList<string> Lines => _lines.ToList();

    public static RunningCli Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aitrading.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var home = Directory.CreateTempSubdirectory("aitrading-home-").FullName;
        start.Environment["AITRADING_HOME"] = home;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var cli = new RunningCli(process, home);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) cli._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) cli._lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits for a line that satisfies <paramref name="condition"/>; fails with the output when the process exits or the deadline passes.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            if (_lines.FirstOrDefault(condition) is { } line) return line;
            if (_process.HasExited) throw new InvalidOperationException($"the CLI exited ({_process.ExitCode}) before {what}:\n{string.Join('\n', _lines)}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}:\n{string.Join('\n', _lines)}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        _process.Dispose();
        Directory.Delete(_home, recursive: true);
    }
}
