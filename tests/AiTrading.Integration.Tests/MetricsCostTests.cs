using System.Diagnostics.Metrics;
using AiTrading.Grains;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AiTrading.Integration.Tests;

/// <summary>The measurements an instrument grain makes per tick batch and per bar allocate nothing while the SDK listens.</summary>
public sealed class MetricsCostTests
{
    [Fact]
    public void Recording_ticks_bars_and_stream_lag_allocates_nothing()
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(TradingMetrics.MeterName).AddInMemoryExporter(exported).Build();
        // What InstrumentGrain caches per activation and per timeframe.
        var symbol = TradingMetrics.Tag("symbol", "COST");
        KeyValuePair<string, object?>[] bar = [symbol, TradingMetrics.Tag("timeframe", "M1")];
        var stream = TradingMetrics.Tag("stream", "ticks");
        void Record()
        {
            TradingMetrics.StreamLag.Record(0.002, stream);
            TradingMetrics.Ticks.Add(8, symbol);
            TradingMetrics.Bars.Add(1, bar);
        }

        for (var i = 0; i < 10_000; i++) Record(); // the SDK's first sight of a tag set allocates its metric point
        const int batches = 200_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < batches; i++) Record();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Tiered compilation may allocate a few KB on this thread at any time; one allocation per batch would be MBs.
        allocated.ShouldBeLessThan(64 * 1024, $"{allocated} B over {batches} batches");
        provider.ForceFlush().ShouldBeTrue();
        exported.Select(m => m.Name).ShouldContain("aitrading.ticks");
    }
}
