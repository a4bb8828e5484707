using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using AiTrading.Contracts;
using AiTrading.Grains;
using AiTrading.Hosts;
using AiTrading.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTrading.Cli;

/// <summary>What `aitrading run` shows a person: a start banner, then a status line every <see cref="StatusInterval"/> (0: none).</summary>
public sealed record ConsoleSettings(TimeSpan StatusInterval);

/// <summary>
/// The banner once the host has started, then status lines: counters read from <see cref="TradingMetrics"/> through a
/// <see cref="MeterListener"/> (one interlocked add per measurement), the demo account's P&amp;L from its portfolio grain.
/// Plain lines on the console; with JSON logs, log records of category "AiTrading.Cli.ConsoleReport" instead, so every
/// line of the output is JSON.
/// </summary>
public sealed class ConsoleReport(
    HostSettings settings,
    ConsoleSettings console,
    IConfiguration configuration,
    IClusterClient cluster,
    IHostApplicationLifetime lifetime,
    ILogger<ConsoleReport> logger,
    LiveFeedSettings? feed = null) : BackgroundService
{
    private readonly bool _json = configuration["Logging:Console:FormatterName"] == "json";
    /// <summary>The account whose P&amp;L the status line shows: the demo strategies', when they run.</summary>
    private readonly string? _account = feed is { StartDemoStrategies: true } ? feed.DemoAccount : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
            await started.Task;
        WriteBanner();
        if (console.StatusInterval <= TimeSpan.Zero) return;

        using var counters = new TradingCounters();
        var previous = counters.Read();
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(console.StatusInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = counters.Read();
            var seconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            WriteStatus(now, (now.Ticks - previous.Ticks) / Math.Max(seconds, 1e-3), await PnlAsync());
            previous = now;
        }
    }

    private void WriteBanner()
    {
        var http = $"http://{settings.Gateway.BindAddress}:{settings.Gateway.HttpPort}";
        var grpc = $"http://{settings.Gateway.BindAddress}:{settings.Gateway.GrpcPort}";
        if (_json)
        {
            logger.LogInformation("AiTrading is running: HTTP {Http}, gRPC {Grpc}, OpenAPI {OpenApi}, metrics {Metrics}",
                http, grpc, $"{http}/openapi/v1.json", $"{http}{Telemetry.MetricsPath}");
            return;
        }
        Console.WriteLine($"""

            AiTrading is running (Ctrl+C stops)
              HTTP     {http}
              OpenAPI  {http}/openapi/v1.json
              gRPC     {grpc}
              metrics  {http}{Telemetry.MetricsPath}
              token    get one with: aitrading token --role trader --account {_account ?? "ACCOUNT"}
              logs     framework logs at Warning; AITRADING__Logging__LogLevel__Default=Debug shows more, --log-format json for log collectors

            """);
    }

    private async Task<(decimal Pnl, string Currency)?> PnlAsync()
    {
        if (_account is not { } account) return null;
        try
        {
            var valuation = await cluster.GetGrain<IPortfolioGrain>(account).GetValuationAsync().WaitAsync(TimeSpan.FromSeconds(2));
            return (valuation.RealizedPnl + valuation.UnrealizedPnl, valuation.Currency);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return null; // a busy or starting cluster shows no P&L this time
        }
    }

    private void WriteStatus(TradingCounters.Totals totals, double ticksPerSecond, (decimal Pnl, string Currency)? pnl)
    {
        var killSwitch = totals.EngagedKillSwitches.Count == 0 ? "off" : $"ENGAGED ({string.Join(", ", totals.EngagedKillSwitches)})";
        if (_json)
        {
            logger.LogInformation("Status: {TicksPerSecond:0} ticks/s, {Bars} bars, {Orders} orders, {Fills} fills, {RiskRefusals} risk refusals, P&L {Account} {Pnl} {Currency}, kill switch {KillSwitch}",
                ticksPerSecond, totals.Bars, totals.Orders, totals.Fills, totals.RiskRefusals, _account, pnl?.Pnl, pnl?.Currency, killSwitch);
            return;
        }
        var pnlText = _account is null ? "" : pnl is { } p ? $"  P&L {_account} {p.Pnl.ToString("+#,##0.00;-#,##0.00;0.00", CultureInfo.InvariantCulture)} {p.Currency}" : $"  P&L {_account} ?";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{DateTime.Now:HH:mm:ss}] ticks/s {ticksPerSecond:#,##0}  bars {totals.Bars:#,##0}  orders {totals.Orders:#,##0} (fills {totals.Fills:#,##0})  risk refusals {totals.RiskRefusals:#,##0}{pnlText}  kill switch {killSwitch}"));
    }
}

/// <summary>Running totals of the trading counters and the kill switches engaged now, read from the "AiTrading" meter.</summary>
internal sealed class TradingCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<string> _engaged = [];
    private long _ticks, _bars, _orders, _fills, _riskRefusals;

    public sealed record Totals(long Ticks, long Bars, long Orders, long Fills, long RiskRefusals, IReadOnlyList<string> EngagedKillSwitches);

    public TradingCounters()
    {
        // Creates the instruments now: published from inside TradingMetrics' static constructor, they would be compared
        // with fields not yet assigned.
        _ = TradingMetrics.Ticks;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument == TradingMetrics.Ticks || instrument == TradingMetrics.Bars || instrument == TradingMetrics.Orders || instrument == TradingMetrics.Fills
                || instrument == TradingMetrics.RiskRejections || instrument == TradingMetrics.KillSwitch)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnCount);
        _listener.SetMeasurementEventCallback<int>((_, engaged, tags, _) =>
        {
            if (engaged == 1 && tags.Length > 0 && tags[0].Value is string account) _engaged.Add(account);
        });
        _listener.Start();
    }

    private void OnCount(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument == TradingMetrics.Ticks) Interlocked.Add(ref _ticks, value);
        else if (instrument == TradingMetrics.Bars) Interlocked.Add(ref _bars, value);
        else if (instrument == TradingMetrics.Fills) Interlocked.Add(ref _fills, value);
        else if (instrument == TradingMetrics.RiskRejections) Interlocked.Add(ref _riskRefusals, value);
        else if (instrument == TradingMetrics.Orders && IsSubmission(tags)) Interlocked.Add(ref _orders, value);
    }

    /// <summary>An order counts once, when the risk gate accepted or refused it; later outcomes are the same order.</summary>
    private static bool IsSubmission(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == "outcome")
                return tag.Value is TradingMetrics.OrderOutcomes.Accepted or TradingMetrics.OrderOutcomes.RiskRejected;
        return false;
    }

    /// <summary>Not thread-safe: one reader (the status line).</summary>
    public Totals Read()
    {
        _engaged.Clear();
        _listener.RecordObservableInstruments();
        return new(Interlocked.Read(ref _ticks), Interlocked.Read(ref _bars), Interlocked.Read(ref _orders), Interlocked.Read(ref _fills),
            Interlocked.Read(ref _riskRefusals), _engaged.Distinct().Order().ToList());
    }

    public void Dispose() => _listener.Dispose();
}
