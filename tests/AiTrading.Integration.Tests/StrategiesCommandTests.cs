using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTrading.Core.Tests;
using AiTrading.Gateway.Security;
using AiTrading.Grains.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>
/// `aitrading strategies …`, `order`, `quotes` and `token` as a user runs them: child processes against the shared
/// gateway over its gRPC socket, each with a user data folder of its own (AITRADING_HOME) so nothing touches the real one.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class StrategiesCommandTests(GatewayFixture fixture) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("aitrading-cli-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static readonly string Example = SharedData.Repository("examples/strategies/ema-trend-eurusd.json");

    /// <summary>The child's environment: its own user data folder and <paramref name="token"/> as AITRADING_TOKEN (none when null).</summary>
    private Dictionary<string, string?> Environment(string? token) => new()
    {
        ["AITRADING_HOME"] = _home,
        ["AITRADING_TOKEN"] = token,
    };

    private Task<(int ExitCode, string Output, string Error)> Cli(string? token, params string[] arguments) =>
        CliProcess.Run(Environment(token), [.. arguments, "--grpc", fixture.GrpcAddress]);

    private string Superuser => fixture.Tokens.Superuser;

    /// <summary>The shipped example under another id, written where the CLI can read it.</summary>
    private string ExampleAs(string id, Action<JsonObject>? change = null)
    {
        var spec = JsonNode.Parse(File.ReadAllText(Example), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        spec["id"] = id;
        change?.Invoke(spec);
        var path = Path.Combine(_home, $"{id}.json");
        File.WriteAllText(path, spec.ToJsonString());
        return path;
    }

    [Fact]
    public async Task Submits_the_example_spec_lists_and_gets_it_then_steers_its_lifecycle_while_following_its_events()
    {
        var (code, stdout, stderr) = await Cli(Superuser, "strategies", "submit", "--spec", Example);
        code.ShouldBe(0, stderr);
        stdout.Trim().ShouldStartWith("ema-trend-eurusd v1 RUNNING DEMO EURUSD M1  bars ");
        stdout.Trim().ShouldEndWith("(submitted)");
        (code, stdout, stderr) = await Cli(Superuser, "strategies", "submit", "--spec", Example);
        code.ShouldBe(0, stderr);
        stdout.Trim().ShouldEndWith("(already submitted, unchanged)");

        (code, stdout, stderr) = await Cli(Superuser, "strategies", "list");
        code.ShouldBe(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.StartsWith("ema-trend-eurusd v1 RUNNING DEMO EURUSD M1 "));
        lines.ShouldContain(l => l.StartsWith("demo-eurusd v"));

        (code, stdout, stderr) = await Cli(Superuser, "strategies", "list", "--json");
        code.ShouldBe(0, stderr);
        var strategies = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var listed = strategies.Single(s => s.GetProperty("id").GetString() == "ema-trend-eurusd");
        listed.GetProperty("state").GetString().ShouldBe("RUNNING");
        JsonDocument.Parse(listed.GetProperty("specJson").GetString()!).RootElement.GetProperty("account").GetString().ShouldBe("DEMO");

        (code, stdout, stderr) = await Cli(Superuser, "strategies", "get", "ema-trend-eurusd");
        code.ShouldBe(0, stderr);
        stdout.ShouldStartWith("ema-trend-eurusd v1 RUNNING DEMO EURUSD M1 ");

        // Lifecycle events only: the strategy may also signal and trade while it runs.
        using var events = CliProcess.Start(Environment(Superuser), "strategies", "events", "ema-trend-eurusd", "--kind", "lifecycle", "--count", "3", "--grpc", fixture.GrpcAddress);
        var eventOutput = events.StandardOutput.ReadToEndAsync();
        (await events.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))).ShouldBe("following the events of ema-trend-eurusd until 3 have come (Ctrl+C stops)");
        var eventErrors = events.StandardError.ReadToEndAsync();

        (code, stdout, stderr) = await Cli(Superuser, "strategies", "pause", "ema-trend-eurusd", "--reason", "risk review");
        code.ShouldBe(0, stderr);
        stdout.ShouldStartWith("ema-trend-eurusd v1 PAUSED ");
        stdout.Trim().ShouldEndWith("(risk review)");
        (code, stdout, stderr) = await Cli(Superuser, "strategies", "resume", "ema-trend-eurusd");
        (code, stdout.Split(' ')[2]).ShouldBe((0, "RUNNING"), stderr);
        (code, stdout, stderr) = await Cli(Superuser, "strategies", "stop", "ema-trend-eurusd");
        (code, stdout.Split(' ')[2]).ShouldBe((0, "STOPPED"), stderr);

        await events.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        events.ExitCode.ShouldBe(0, await eventErrors);
        var followed = (await eventOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        followed.Length.ShouldBe(3);
        followed.Select(l => l.Split(" lifecycle - ")[1]).ShouldBe(["paused: risk review", "running", "stopped: stopped on request"]);

        (code, stdout, stderr) = await Cli(Superuser, "strategies", "get", "ema-trend-eurusd", "--json");
        code.ShouldBe(0, stderr);
        var stopped = JsonDocument.Parse(stdout).RootElement;
        (stopped.GetProperty("state").GetString(), stopped.GetProperty("reason").GetString()).ShouldBe(("STOPPED", "stopped on request"));
    }

    [Fact]
    public async Task Events_run_until_ctrl_c_and_end_quietly()
    {
        using var events = CliProcess.Start(Environment(Superuser), "strategies", "events", "demo-eurusd", "--grpc", fixture.GrpcAddress);
        var output = events.StandardOutput.ReadToEndAsync();
        (await events.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))).ShouldBe("following the events of demo-eurusd (Ctrl+C stops)");
        var errors = events.StandardError.ReadToEndAsync();

        using (var interrupt = Process.Start("kill", ["-INT", events.Id.ToString()])) await interrupt.WaitForExitAsync();
        await events.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        // 130 is how a shell tells an interrupted command (128 + SIGINT); it ends quietly, not with an error.
        events.ExitCode.ShouldBe(130);
        (await errors).ShouldBeEmpty();
        await output;
    }

    [Fact]
    public async Task Order_and_quotes_run_on_the_client_as_text_or_json()
    {
        var (code, stdout, stderr) = await Cli(null, "order", "--account", "DEMO", "--symbol", "EURUSD", "--side", "BUY", "--quantity", "1000",
            "--client-order-id", "cli-order-1", "--token", Superuser);
        code.ShouldBe(0, stderr);
        stdout.Trim().ShouldStartWith("DEMO:cli-order-1 BUY 1000 EURUSD MARKET GTC: ");
        (code, stdout, stderr) = await Cli(Superuser, "order", "--account", "DEMO", "--symbol", "EURUSD", "--side", "BUY", "--quantity", "1000",
            "--client-order-id", "cli-order-1", "--json");
        code.ShouldBe(0, stderr);
        var order = JsonDocument.Parse(stdout).RootElement;
        (order.GetProperty("orderId").GetString(), order.GetProperty("duplicate").GetBoolean()).ShouldBe(("DEMO:cli-order-1", true));

        (code, stdout, stderr) = await Cli(Superuser, "quotes", "--symbols", "EURUSD,USDJPY", "--count", "4", "--json");
        code.ShouldBe(0, stderr);
        var quotes = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        quotes.Count.ShouldBe(4);
        quotes.ShouldAllBe(q => q.GetProperty("ask").GetDouble() >= q.GetProperty("bid").GetDouble() && q.GetProperty("bid").GetDouble() > 0);
        quotes.Select(q => q.GetProperty("symbol").GetString()).ShouldBeSubsetOf(["EURUSD", "USDJPY"]);
    }

    [Fact]
    public async Task A_saved_token_from_aitrading_token_is_used_when_none_is_given()
    {
        // `aitrading token` mints with the key in the user data folder: the gateway's own key, as on one machine.
        File.Copy(fixture.Tokens.KeyFile, Path.Combine(_home, "signing-key.json"));
        var (code, stdout, stderr) = await CliProcess.Run(Environment(null), "token", "--role", "trader", "--account", "DEMO", "--subject", "cli-test");
        code.ShouldBe(0, stderr);
        File.ReadAllText(Path.Combine(_home, "token")).ShouldBe(stdout.Trim());

        (code, stdout, stderr) = await Cli(null, "strategies", "submit", "--spec", ExampleAs("cli-saved-token"));
        code.ShouldBe(0, stderr);
        stdout.ShouldStartWith("cli-saved-token v1 RUNNING ");
        (code, _, stderr) = await Cli(null, "strategies", "stop", "cli-saved-token");
        code.ShouldBe(0, stderr);

        (code, _, stderr) = await Cli("not-a-token", "strategies", "list");
        code.ShouldBe(2);
        stderr.ShouldStartWith("error: UNAUTHENTICATED");
        stderr.ShouldContain("aitrading token --role trader --account DEMO");
    }

    [Fact]
    public async Task Errors_exit_2_with_the_status_and_the_reason()
    {
        var (code, _, stderr) = await Cli(null, "strategies", "list");
        (code, stderr.Trim()).ShouldBe((2,
            "error: token: none given: pass --token, set AITRADING_TOKEN, or save one with `aitrading token --role trader --account DEMO`"));

        (code, _, stderr) = await Cli(Superuser, "strategies", "get", "nobody");
        (code, stderr.Trim()).ShouldBe((2, "error: NOT_FOUND: strategy 'nobody' was not found"));

        var viewer = fixture.Tokens.Mint("cli-viewer", [Roles.Viewer], ["DEMO"]);
        (code, _, stderr) = await Cli(viewer, "strategies", "stop", "demo-eurusd");
        code.ShouldBe(2);
        stderr.ShouldStartWith("error: PERMISSION_DENIED");

        (code, _, stderr) = await Cli(Superuser, "strategies", "submit", "--spec", ExampleAs("cli-bad", s => s["instrumnets"] = new JsonArray("EURUSD")));
        code.ShouldBe(2);
        stderr.ShouldContain("cli-bad.json: instrumnets: unknown field");
        (code, _, stderr) = await Cli(Superuser, "strategies", "submit", "--spec", ExampleAs("cli-invalid", s => s["instruments"] = new JsonArray("EURUSD", "MARS")));
        (code, stderr.Trim()).ShouldBe((2, "error: INVALID_ARGUMENT: instruments[1]: unknown instrument 'MARS'"));
        (code, _, stderr) = await Cli(Superuser, "strategies", "get", "cli-invalid");
        (code, stderr.Trim()).ShouldBe((2, "error: NOT_FOUND: strategy 'cli-invalid' was not found"), "a refused spec leaves no strategy");

        (code, _, stderr) = await Cli(Superuser, "strategies", "events", "demo-eurusd", "--kind", "gossip", "--count", "-1");
        (code, stderr.Trim()).ShouldBe((2, "error: kind: 'gossip' is not an event kind (lifecycle, signal, order, fill, risk); count: must be 0 (follow until Ctrl+C) or more (got -1)"));
    }
}
