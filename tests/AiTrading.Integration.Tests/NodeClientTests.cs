using System.Diagnostics;
using AiTrading.Core.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>
/// examples/clients/node, the proof that the protos serve other languages: `npm ci`, then `node client.js` against the
/// shared gateway with a token. Node.js and npm are required (.ci/run installs them): without them this fails, it does not skip.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class NodeClientTests(GatewayFixture fixture)
{
    private static readonly string Example = SharedData.Repository("examples/clients/node");

    [Fact]
    public async Task The_node_example_submits_lists_streams_quotes_and_follows_events_with_a_bearer_token()
    {
        var (code, output, error) = await Run(Tool("npm"), ["ci", "--no-audit", "--no-fund", "--prefer-offline"], []);
        code.ShouldBe(0, $"npm ci failed:\n{output}\n{error}");

        var address = new Uri(fixture.GrpcAddress).Authority;
        (code, output, error) = await Run(Tool("node"), ["client.js", "--id", "node-ema", "--quotes", "3"],
            new() { ["AITRADING_ADDRESS"] = address, ["AITRADING_TOKEN"] = fixture.Tokens.Superuser });
        code.ShouldBe(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("submitted node-ema v1 RUNNING");
        lines.ShouldContain(l => l.StartsWith("strategy node-ema v1 RUNNING bars "));
        lines.ShouldContain(l => l.StartsWith("strategy demo-eurusd v"));
        lines.Count(l => l.StartsWith("quote EURUSD bid ")).ShouldBe(3);
        lines.ShouldContain("stop: node-ema STOPPED");
        // The example ends at the "stopped" event; the Stop call's reply races it and prints just before or just after.
        lines[^2..].ShouldContain(l => l.EndsWith(" lifecycle - stopped: stopped on request", StringComparison.Ordinal));

        (code, _, error) = await Run(Tool("node"), ["client.js", "--id", "node-refused"],
            new() { ["AITRADING_ADDRESS"] = address, ["AITRADING_TOKEN"] = "not-a-token" });
        code.ShouldBe(2);
        error.ShouldStartWith("error: UNAUTHENTICATED: ");
        error.ShouldContain("aitrading token --role trader --account DEMO");
    }

    /// <summary>The full path of <paramref name="name"/> on PATH; its absence fails the test with what to install.</summary>
    private static string Tool(string name)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
        return found ?? throw new InvalidOperationException(
            $"'{name}' is not on PATH: the Node.js client example needs Node.js and npm (Debian packages nodejs and npm; .ci/run installs them)");
    }

    private static async Task<(int ExitCode, string Output, string Error)> Run(string tool, string[] arguments, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(tool) { WorkingDirectory = Example, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output, await error);
    }
}
