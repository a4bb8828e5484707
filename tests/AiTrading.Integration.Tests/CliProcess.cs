using System.Diagnostics;

namespace AiTrading.Integration.Tests;

/// <summary>The built `aitrading` CLI run as a user runs it, in its own process.</summary>
public static class CliProcess
{
    public static Task<(int ExitCode, string Output, string Error)> Run(params string[] arguments) => Run(new Dictionary<string, string?>(), arguments);

    /// <summary>Runs with <paramref name="environment"/> over this process's (a null value removes the variable).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> Run(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts the CLI with its output redirected, for commands that run until stopped.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        // A test run started in the background of a non-interactive shell inherits SIGINT ignored, and so would the
        // CLI, which then cannot be interrupted like a person's Ctrl+C: env(1) gives it the default disposition back.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aitrading.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return Process.Start(start)!;
    }
}
