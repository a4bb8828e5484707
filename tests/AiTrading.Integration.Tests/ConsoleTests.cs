using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiTrading.Integration.Tests;

/// <summary>What `aitrading run` and `aitrading silo` print, run as a user runs them, on free ports.</summary>
public sealed partial class ConsoleTests
{
    private static string[] RunArguments(int http, int grpc, params string[] more) =>
    [
        "run", "--symbols", "EURUSD", "--http-port", $"{http}", "--grpc-port", $"{grpc}",
        "--silo-port", $"{GatewayFixture.FreePort()}", "--silo-gateway-port", $"{GatewayFixture.FreePort()}", "--status-interval", "1", .. more,
    ];

    [Fact]
    public async Task Run_prints_a_banner_and_status_lines_without_framework_chatter()
    {
        var (http, grpc) = (GatewayFixture.FreePort(), GatewayFixture.FreePort());
        await using var cli = RunningCli.Start(null, RunArguments(http, grpc));

        // A status line whose ticks/s is above zero: the feed runs and the line reads the counters.
        await cli.WaitForLineAsync(line => StatusLine().Match(line) is { Success: true } m
                                           && double.Parse(m.Groups["ticks"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0,
            "a status line with ticks flowing");

        var output = cli.Lines;
        var text = string.Join('\n', output);
        output.ShouldContain(l => l.Trim() == "AiTrading is running (Ctrl+C stops)", text);
        output.ShouldContain(l => l.Trim() == $"HTTP     http://127.0.0.1:{http}", text);
        output.ShouldContain(l => l.Trim() == $"OpenAPI  http://127.0.0.1:{http}/openapi/v1.json", text);
        output.ShouldContain(l => l.Trim() == $"gRPC     http://127.0.0.1:{grpc}", text);
        output.ShouldContain(l => l.Trim() == $"metrics  http://127.0.0.1:{http}/metrics", text);
        output.ShouldContain(l => l.Contains("aitrading token --role trader --account DEMO"), text);
        output.ShouldNotContain(l => l.StartsWith("info: Microsoft") || l.StartsWith("info: Orleans") || l.StartsWith("info: Grpc") || l.StartsWith("info: Polly"), text);
        var status = output.First(l => StatusLine().IsMatch(l));
        status.ShouldContain("P&L DEMO ");
        status.ShouldContain("kill switch off");
    }

    [Fact]
    public async Task Json_logs_make_every_line_of_the_output_a_json_object()
    {
        var (http, grpc) = (GatewayFixture.FreePort(), GatewayFixture.FreePort());
        await using var cli = RunningCli.Start(null, RunArguments(http, grpc, "--log-format", "json"));

        await cli.WaitForLineAsync(line => line.Contains("\"Category\":\"AiTrading.Cli.ConsoleReport\"") && line.Contains("Status: "), "a status record");

        var lines = cli.Lines.Where(l => l.Length > 0).ToList();
        foreach (var line in lines)
        {
            using var record = ParseOrFail(line, lines);
            record.RootElement.GetProperty("LogLevel").GetString().ShouldNotBeNullOrEmpty();
            record.RootElement.GetProperty("Category").GetString().ShouldNotBeNullOrEmpty();
            DateTimeOffset.Parse(record.RootElement.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture).Offset.ShouldBe(TimeSpan.Zero);
        }
        var banner = lines.Select(l => JsonDocument.Parse(l).RootElement).First(r => r.GetProperty("Message").GetString()!.StartsWith("AiTrading is running"));
        banner.GetProperty("State").GetProperty("Http").GetString().ShouldBe($"http://127.0.0.1:{http}");
        lines.ShouldNotContain(l => l.Contains("\"LogLevel\":\"Information\",\"Category\":\"Microsoft") || l.Contains("\"LogLevel\":\"Information\",\"Category\":\"Orleans"));
    }

    [Fact]
    public async Task A_silo_serves_its_own_metrics_when_given_a_port()
    {
        var scrape = await LoneProcess.SiloAsync(s => s.Has("aitrading_ticks_total", "symbol=\"EURUSD\"") && s.Has("aitrading_orders_total"), "EURUSD ticks and demo orders");
        scrape.Sum("orleans_catalog_activation_created_total").ShouldBeGreaterThan(0);
        scrape.Sum("orleans_app_requests_latency_milliseconds_count").ShouldBeGreaterThan(0);
        scrape.Has("dotnet_gc_heap_total_allocated_bytes_total").ShouldBeTrue();
        // The silo's HTTP port serves its probes and this scrape, nothing of the API.
        var served = scrape.Sum("http_server_request_duration_seconds_count");
        (scrape.Sum("http_server_request_duration_seconds_count", "http_route=\"/metrics\"")
         + scrape.Sum("http_server_request_duration_seconds_count", "http_route=\"/healthz\"")
         + scrape.Sum("http_server_request_duration_seconds_count", "http_route=\"/readyz\"")).ShouldBe(served, "a silo has no HTTP API");
    }

    private static JsonDocument ParseOrFail(string line, IReadOnlyList<string> all)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new ShouldAssertException($"not a JSON line ({e.Message}): {line}\nall output:\n{string.Join('\n', all)}");
        }
    }

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d\] ticks/s (?<ticks>[\d,]+)  bars [\d,]+  orders [\d,]+ \(fills [\d,]+\)  risk refusals [\d,]+")]
    private static partial Regex StatusLine();
}
