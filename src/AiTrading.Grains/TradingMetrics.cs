using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiTrading.Grains;

/// <summary>
/// The platform's own measurements, on one <see cref="Meter"/> named <see cref="MeterName"/>. It lives with the grains
/// because the grains are where ticks, bars, orders and verdicts happen; Core stays free of it. The instruments are
/// static so a grain records without an injected service; the hosts decide who listens (the Prometheus endpoint, OTLP,
/// the console's status line). Tags are cached per grain or passed as single pairs whose values are strings the grain
/// already holds, so nothing is allocated per tick or per order. Documented in docs/observability.md.
/// </summary>
public static class TradingMetrics
{
    public const string MeterName = Contracts.MeterNames.Platform;

    /// <summary>Latency buckets in seconds, from half a millisecond (an order's path in one silo) to ten seconds (a stalled stream).</summary>
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Ticks an instrument grain accepted, by symbol.</summary>
    public static readonly Counter<long> Ticks = Meter.CreateCounter<long>("aitrading.ticks", "{tick}", "Ticks accepted by the instrument grains");

    /// <summary>Ticks an instrument grain refused (unusable prices, out of time order, instrument not configured), by symbol.</summary>
    public static readonly Counter<long> TicksRejected = Meter.CreateCounter<long>("aitrading.ticks.rejected", "{tick}", "Ticks the instrument grains refused");

    /// <summary>Bars closed and published, by symbol and timeframe.</summary>
    public static readonly Counter<long> Bars = Meter.CreateCounter<long>("aitrading.bars", "{bar}", "Bars closed and published by the instrument grains");

    /// <summary>
    /// Wall time from the feed publishing a tick batch to its instrument grain receiving it (stream "ticks"), and to a
    /// strategy receiving a bar that batch closed (stream "bars"), by stream.
    /// </summary>
    public static readonly Histogram<double> StreamLag = Latency("aitrading.stream.lag",
        "From the feed publishing a tick batch to its instrument grain receiving it, or to a strategy receiving the bar it closed");

    /// <summary>Orders by outcome (<see cref="OrderOutcomes"/>) and venue.</summary>
    public static readonly Counter<long> Orders = Meter.CreateCounter<long>("aitrading.orders", "{order}", "Orders by outcome and venue");

    /// <summary>Fills booked, by venue.</summary>
    public static readonly Counter<long> Fills = Meter.CreateCounter<long>("aitrading.fills", "{fill}", "Fills applied to orders");

    /// <summary>From an order grain sending an order to its venue to the venue's answer, by venue.</summary>
    public static readonly Histogram<double> OrderAck = Latency("aitrading.order.ack.duration", "From sending an order to its venue to the venue's answer");

    /// <summary>From the feed publishing the tick that closed a bar to a strategy's decision on that bar, by symbol.</summary>
    public static readonly Histogram<double> DecisionLatency = Latency("aitrading.strategy.decision.latency", "From the tick that closed a bar to the strategy's decision on it");

    /// <summary>Orders the account risk gate refused, by the limit that refused them.</summary>
    public static readonly Counter<long> RiskRejections = Meter.CreateCounter<long>("aitrading.risk.rejections", "{order}", "Orders refused by the risk gate, by limit");

    /// <summary>Time a model takes to score one input, by model.</summary>
    public static readonly Histogram<double> Inference = Latency("aitrading.model.inference.duration", "Time a model takes to score one input");

    /// <summary>Pattern validator verdicts, by outcome (passed or vetoed).</summary>
    public static readonly Counter<long> Verdicts = Meter.CreateCounter<long>("aitrading.validator.verdicts", "{verdict}", "Pattern validator verdicts by outcome");

    /// <summary>Records appended to audit streams, by record kind.</summary>
    public static readonly Counter<long> AuditAppends = Meter.CreateCounter<long>("aitrading.audit.appends", "{record}", "Records appended to the audit streams, by kind");

    private static readonly ConcurrentDictionary<object, (KeyValuePair<string, object?> Account, bool Engaged)> KillSwitches = new();

    /// <summary>1 while an account's kill switch is engaged, 0 while released, for every account whose risk gate is active in this process.</summary>
    public static readonly ObservableGauge<int> KillSwitch = Meter.CreateObservableGauge("aitrading.risk.kill_switch", ObserveKillSwitches, "{state}",
        "1 while an account's kill switch is engaged, per account whose risk gate is active on this silo");

    public static class OrderOutcomes
    {
        public const string Accepted = "accepted";
        public const string RiskRejected = "risk_rejected";
        public const string Filled = "filled";
        public const string Cancelled = "cancelled";
        public const string Expired = "expired";
        public const string VenueRejected = "venue_rejected";
    }

    public static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    public static void RecordOrder(string outcome, string venue) => Orders.Add(1, Tag("outcome", outcome), Tag("venue", venue));

    public static void RecordRiskRejection(Core.Risk.RiskDecision decision) => RiskRejections.Add(1, Tag("limit", decision.Limit ?? "unnamed"));

    public static void RecordElapsed(this Histogram<double> histogram, long startTimestamp, KeyValuePair<string, object?> tag) =>
        histogram.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tag);

    /// <summary>A risk gate reports its kill switch while active; <paramref name="gate"/> identifies the activation.</summary>
    public static void ReportKillSwitch(object gate, string account, bool engaged) => KillSwitches[gate] = (Tag("account", account), engaged);

    public static void ForgetKillSwitch(object gate) => KillSwitches.TryRemove(gate, out _);

    private static IEnumerable<Measurement<int>> ObserveKillSwitches() =>
        KillSwitches.Values.Select(s => new Measurement<int>(s.Engaged ? 1 : 0, s.Account));

    private static Histogram<double> Latency(string name, string description) =>
        Meter.CreateHistogram<double>(name, "s", description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
}
