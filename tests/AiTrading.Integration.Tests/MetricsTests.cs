using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Core.Tests;
using AiTrading.Grains.Tests;
using Orleans.Streams;

namespace AiTrading.Integration.Tests;

/// <summary>
/// /metrics of the embedded product after real traffic: the synthetic feed and demo strategies, a market order and a
/// refused one over HTTP, a kill switch, and a pattern validator's verdict. The Grafana dashboard may name only
/// series the product exports, and shows every series of ours.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class MetricsTests(GatewayFixture fixture)
{
    private const string Dashboard = "deploy/grafana/aitrading.json";
    private const string Unlisted = "OBSUNLISTED";
    private static readonly SemaphoreSlim ModelGate = new(1, 1);
    private static bool _modelTrained;

    [Fact]
    public async Task Trading_series_move_with_traffic_and_framework_meters_are_included()
    {
        var before = await Scrape.ReadAsync(fixture.Http);
        await TrafficAsync();

        var after = before;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (NotMoved(before, after = await Scrape.ReadAsync(fixture.Http)) is { Count: > 0 } still)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"these series did not move: {string.Join(", ", still)}");
            await Task.Delay(200);
        }

        after.Sum("aitrading_risk_kill_switch", L("account", "OBS-HALTED")).ShouldBe(1);
        after.Has("aitrading_risk_kill_switch", L("account", "DEMO")).ShouldBeTrue();
        after.Sum("aitrading_order_ack_duration_seconds_bucket", L("venue", "paper"), L("le", "+Inf"))
            .ShouldBe(after.Sum("aitrading_order_ack_duration_seconds_count", L("venue", "paper")));
        after.Sum("aitrading_strategy_decision_latency_seconds_sum").ShouldBeGreaterThan(0);
        after.Sum("dotnet_gc_heap_total_allocated_bytes_total").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Orleans_and_aspnetcore_meters_are_exported()
    {
        // In a process of its own: in this one, those meters follow whichever test's host registered them first.
        var scrape = await LoneProcess.EmbeddedAsync(fixture.Tokens,
            s => s.Has("http_server_request_duration_seconds_count", L("http_route", "/metrics")) && s.Has("orleans_catalog_activations"),
            "a scrape's own request and grain activations");
        scrape.Sum("orleans_catalog_activation_created_total").ShouldBeGreaterThan(0);
        scrape.Sum("orleans_app_requests_latency_milliseconds_count").ShouldBeGreaterThan(0);
        scrape.Has("kestrel_active_connections").ShouldBeTrue();
        scrape.Sum("dotnet_gc_heap_total_allocated_bytes_total").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Metrics_need_a_token()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Http.BaseAddress };
        using var response = await anonymous.GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>The series that should have grown from <paramref name="before"/> to <paramref name="after"/> and did not.</summary>
    private static List<string> NotMoved(Scrape before, Scrape after)
    {
        (string Name, string[] Labels)[] growing =
        [
            ("aitrading_ticks_total", [L("symbol", "EURUSD")]),
            ("aitrading_ticks_rejected_total", [L("symbol", Unlisted)]),
            ("aitrading_bars_total", [L("symbol", "EURUSD"), L("timeframe", "M1")]),
            ("aitrading_stream_lag_seconds_count", [L("stream", "ticks")]),
            ("aitrading_stream_lag_seconds_count", [L("stream", "bars")]),
            ("aitrading_orders_total", [L("outcome", "accepted"), L("venue", "paper")]),
            ("aitrading_orders_total", [L("outcome", "filled"), L("venue", "paper")]),
            ("aitrading_orders_total", [L("outcome", "risk_rejected")]),
            ("aitrading_fills_total", [L("venue", "paper")]),
            ("aitrading_risk_rejections_total", [L("limit", "max_order_notional")]),
            ("aitrading_order_ack_duration_seconds_count", [L("venue", "paper")]),
            ("aitrading_strategy_decision_latency_seconds_count", []),
            ("aitrading_model_inference_duration_seconds_count", [L("model", "baseline-logistic")]),
            ("aitrading_model_inference_duration_seconds_count", [L("model", "obs-lgbm")]),
            ("aitrading_validator_verdicts_total", []),
            ("aitrading_audit_appends_total", [L("kind", "order.accepted")]),
            ("aitrading_audit_appends_total", [L("kind", "fill")]),
            ("aitrading_audit_appends_total", [L("kind", "model.verdict")]),
        ];
        var still = growing.Where(s => !(after.Sum(s.Name, s.Labels) > before.Sum(s.Name, s.Labels)))
            .Select(s => $"{s.Name}{{{string.Join(",", s.Labels)}}}").ToList();
        // A gauge is read when the exporter collects, which may be a scrape cached from before the switch was engaged.
        if (after.Sum("aitrading_risk_kill_switch", L("account", "OBS-HALTED")) != 1) still.Add("aitrading_risk_kill_switch{account=OBS-HALTED} at 1");
        return still;
    }

    [Fact]
    public async Task The_dashboard_names_only_exported_series_and_shows_every_trading_series()
    {
        await TrafficAsync();
        var exported = (await Scrape.ReadAsync(fixture.Http)).Names;
        var queries = DashboardQueries();
        queries.Count.ShouldBeGreaterThan(10);

        var named = queries.SelectMany(MetricNames).ToHashSet();
        named.Where(n => n.StartsWith("aitrading_") && !exported.Contains(n)).ShouldBeEmpty("the dashboard queries series of ours /metrics does not export");
        // Framework series (Orleans, ASP.NET Core, runtime) from a process of its own (see LoneProcess).
        var framework = named.Where(n => !n.StartsWith("aitrading_")).ToList();
        framework.Count.ShouldBeGreaterThan(0);
        if (!framework.All(exported.Contains))
            await LoneProcess.EmbeddedAsync(fixture.Tokens, s => framework.All(s.Names.Contains),
                $"every framework series the dashboard names ({string.Join(", ", framework.Where(n => !exported.Contains(n)))} are missing here)");
        var families = exported.Where(n => n.StartsWith("aitrading_")).Select(Family).ToHashSet();
        families.Where(f => !named.Any(n => Family(n) == f)).ShouldBeEmpty("series of ours that no dashboard panel shows");
    }

    /// <summary>Every PromQL expression of the dashboard's panels (rows included).</summary>
    private static List<string> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(SharedData.Repository(Dashboard)));
        var root = dashboard.RootElement;
        root.GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
        root.GetProperty("uid").GetString().ShouldNotBeNullOrEmpty();
        var panels = root.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(p) : [p]).ToList();
        panels.Where(p => !p.TryGetProperty("title", out var title) || string.IsNullOrEmpty(title.GetString())).ShouldBeEmpty("panels without a title");
        return panels.Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!).ToList();
    }

    /// <summary>The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels, strings or ranges.</summary>
    internal static IEnumerable<string> MetricNames(string expr)
    {
        var bare = Quoted().Replace(expr, "");
        bare = Braces().Replace(bare, "");
        bare = Brackets().Replace(bare, "");
        bare = Grouping().Replace(bare, "");
        return Identifier().Matches(bare).Where(m => !m.Groups["call"].Success && !Keywords.Contains(m.Groups["id"].Value))
            .Select(m => m.Groups["id"].Value);
    }

    /// <summary>A label matcher as the exposition writes it: name="value".</summary>
    private static string L(string name, string value) => $"{name}=\"{value}\"";

    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"];

    private static string Family(string series) => Regex.Replace(series, "_(bucket|sum|count)$", "");

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    /// <summary>
    /// A market order and a refused one on DEMO over HTTP, an engaged kill switch, refused ticks, and a verdict of a
    /// pattern validator (the only source of verdicts and registry inference) over a model trained once per run.
    /// </summary>
    private async Task TrafficAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (status, body) = await PostOrder($$"""{"clientOrderId":"obs-{{id}}","account":"DEMO","symbol":"EURUSD","side":"BUY","quantity":1000}""");
        status.ShouldBe(HttpStatusCode.Created, body);
        (status, body) = await PostOrder($$"""{"clientOrderId":"obs-big-{{id}}","account":"DEMO","symbol":"EURUSD","side":"BUY","quantity":100000000}""");
        status.ShouldBe(HttpStatusCode.Conflict, body);
        body.ShouldContain("max_order_notional");

        await fixture.Cluster.GetGrain<IRiskGrain>("OBS-HALTED").SetKillSwitchAsync(true, "metrics test", "metrics-test");
        // Ticks for an instrument no one configured are refused (the feed's own instruments stay untouched).
        await fixture.Cluster.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, Unlisted)
            .OnNextAsync(new TickBatch(Unlisted, [new Tick(Unlisted, DateTimeOffset.UtcNow, 1.0, 1.1, 1, 1)], DateTimeOffset.UtcNow));

        var validator = fixture.Cluster.GetGrain<IPatternValidatorGrain>("obs-validator");
        await ModelGate.WaitAsync();
        try
        {
            if (!_modelTrained)
            {
                var model = fixture.Cluster.GetGrain<IModelGrain>("obs-lgbm");
                await ModelTestData.TrainedAsync(model, ModelTestData.Request("lightgbm"));
                await model.PromoteAsync(1);
                await validator.ConfigureAsync(new PatternValidatorConfig([new("obs-lgbm")], AuditStream: "OBS-MODELS"));
                _modelTrained = true;
            }
        }
        finally
        {
            ModelGate.Release();
        }
        await validator.ValidateAsync("SYN", ModelTestData.Input(ModelTestData.Dataset.Count - 1));
    }

    private async Task<(HttpStatusCode, string)> PostOrder(string json)
    {
        using var response = await fixture.Http.PostAsync("/v1/orders", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
