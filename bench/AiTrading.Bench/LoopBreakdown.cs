using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiTrading.Contracts;

namespace AiTrading.Bench;

/// <summary>
/// Where tick→fill goes, from the platform's own latency histograms (no extra measurement in the product): while
/// <see cref="Recording"/>, every value the grains record on the stream lag and decision latency instruments is kept,
/// by instrument and stream. Each is measured from the feed publishing the tick batch, so the milestones are
/// cumulative and the difference of two is the cost of the step between them.
/// </summary>
internal sealed class LoopBreakdown : IDisposable
{
    private static readonly string[] Watched = ["aitrading.stream.lag", "aitrading.strategy.decision.latency"];
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _samples = new(StringComparer.Ordinal);

    public volatile bool Recording;

    public LoopBreakdown()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterNames.Platform && Watched.Contains(instrument.Name)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (!Recording) return;
            var key = instrument.Name;
            foreach (var tag in tags)
                if (tag.Key == "stream") key += ":" + tag.Value;
            _samples.GetOrAdd(key, _ => new()).Enqueue(value * 1e6);
        });
        _listener.Start();
    }

    /// <summary>The milestones in path order with p50/p99 in ms, then the fills' own (tick→fill as the strategies saw it).</summary>
    public string Describe(List<double> fillMicros)
    {
        var parts = new List<string>();
        void Add(string name, IReadOnlyCollection<double>? micros)
        {
            if (micros is null || micros.Count == 0) return;
            var sorted = micros.Order().ToList();
            parts.Add($"{name} p50 {BenchHost.Percentile(sorted, 0.50) / 1000:N2} / p99 {BenchHost.Percentile(sorted, 0.99) / 1000:N2} ms (n={sorted.Count})");
        }
        Add("instrument receives ticks", _samples.GetValueOrDefault("aitrading.stream.lag:" + StreamNames.Ticks));
        Add("strategy receives bar", _samples.GetValueOrDefault("aitrading.stream.lag:" + StreamNames.Bars));
        Add("decision", _samples.GetValueOrDefault("aitrading.strategy.decision.latency"));
        Add("fill booked", fillMicros);
        return "breakdown, from feed publish: " + string.Join("; ", parts);
    }

    public void Dispose() => _listener.Dispose();
}
