using AiTrading.Contracts;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Grains;
using Microsoft.Extensions.Configuration;
using Orleans.Streams;

namespace AiTrading.Grains.Tests;

/// <summary>A cluster whose instruments compute a configured feature list instead of the default one.</summary>
public sealed class FeatureClusterFixture : ClusterFixture
{
    public static readonly IReadOnlyDictionary<string, string?> Features = new Dictionary<string, string?>
    {
        ["Features:Definitions:0:Indicator"] = "SMA",
        ["Features:Definitions:1:Indicator"] = "EMA",
        ["Features:Definitions:2:Indicator"] = "RSI",
        ["Features:Definitions:3:Indicator"] = "ATR",
        ["Features:Definitions:4:Indicator"] = "SMA",
        ["Features:Definitions:4:Parameters:period"] = "2",
        ["Features:Definitions:4:Timeframe"] = "M5",
        ["Features:Definitions:5:Indicator"] = "MICROSTRUCTURE",
        ["Features:Definitions:5:Parameters:window"] = "10",
        ["Features:Definitions:6:Indicator"] = "MACD",
        ["Features:Definitions:6:Output"] = "histogram",
        ["Features:Definitions:6:Name"] = "macdHist",
        ["Features:Definitions:7:Indicator"] = "SMA",
        ["Features:Definitions:7:Parameters:period"] = "3",
        ["Features:Definitions:7:Timeframe"] = "M2",
    };

    protected override IReadOnlyDictionary<string, string?> Configuration => Features;

    public static IReadOnlyList<FeatureDefinition> Definitions()
    {
        var options = new FeatureOptions();
        new ConfigurationBuilder().AddInMemoryCollection(Features).Build().GetSection(FeatureOptions.Section).Bind(options);
        return options.Resolve();
    }
}

public sealed class InstrumentFeaturesTests(FeatureClusterFixture fixture) : IClassFixture<FeatureClusterFixture>
{
    private const string Symbol = "FEATX";
    private static readonly string[] Microstructure =
        ["SPREAD", "RELSPREAD", "MID", "MICROPRICE", "OFI_10", "RVOL_10", "TICKRATE_10S", "VWAPDEV_10", "ROLLSPREAD_10", "AMIHUD_10", "KYLELAMBDA_10", "AUTOCORR_10"];

    private static List<Tick> Ticks()
    {
        var random = new Random(7);
        var mid = 100.0;
        return Enumerable.Range(0, 180).Select(i =>
        {
            mid += Math.Round((random.NextDouble() - 0.48) * 0.2, 2);
            return new Tick(Symbol, TickPaths.Start.AddSeconds(10 * i), mid - 0.01, mid + 0.01, random.Next(1, 50), random.Next(1, 50),
                i % 3 == 0 ? mid + 0.01 : double.NaN, i % 3 == 0 ? random.Next(1, 10) : 0);
        }).ToList();
    }

    [Fact]
    public async Task Closed_bars_carry_the_configured_vector_computed_as_in_core_without_look_ahead()
    {
        await fixture.ConfigureInstrumentAsync(Symbol, 100);
        var received = new List<BarClosed>();
        var stream = fixture.Client.GetStreamProvider(StreamNames.Provider).GetStream<BarClosed>(StreamNames.Bars, Symbol);
        var subscription = await stream.SubscribeAsync((e, _) => { lock (received) received.Add(e); return Task.CompletedTask; });

        var ticks = Ticks();
        await fixture.PublishAsync(Symbol, ticks);
        // 180 ticks 10 s apart close 29 one-minute and 5 five-minute bars.
        await Eventually.True(() => { lock (received) return Task.FromResult(received.Count == 34); }, "every closed bar on the bars stream");
        await subscription.UnsubscribeAsync();

        // The same definitions in Core, fed as the grain must: bars a tick closes, then the vector, then the tick itself.
        var definitions = FeatureClusterFixture.Definitions();
        var pipeline = new FeaturePipeline(definitions, Timeframe.M1);
        var (minute, two, five) = (new BarAggregator(Symbol, Timeframe.M1), new BarAggregator(Symbol, Timeframe.Parse("M2")), new BarAggregator(Symbol, Timeframe.M5));
        var expected = new List<FeatureVector>();
        foreach (var tick in ticks)
        {
            if (two.Update(tick, out var twoBar)) pipeline.OnBar(twoBar!); // M2 is no served timeframe: the grain aggregates it for this feature alone
            var closedFive = five.Update(tick, out var fiveBar);
            var closedMinute = minute.Update(tick, out var minuteBar);
            if (closedFive) pipeline.OnBar(fiveBar!);
            if (closedMinute)
            {
                pipeline.OnBar(minuteBar!);
                expected.Add(pipeline.ToVector(Symbol, minuteBar!.CloseTime));
            }
            pipeline.OnTick(tick);
        }

        var minuteEvents = received.Where(e => e.Bar.Timeframe == Timeframe.M1).OrderBy(e => e.Bar.OpenTime).ToList();
        minuteEvents.Count.ShouldBe(29);
        for (var i = 0; i < expected.Count; i++)
        {
            var vector = minuteEvents[i].Features;
            vector.Time.ShouldBe(minuteEvents[i].Bar.CloseTime);
            vector.Values.Keys.ShouldBe(["SMA_20", "EMA_20", "RSI_14", "ATR_14", "SMA_2@M5", .. Microstructure, "macdHist", "SMA_3@M2"]);
            foreach (var (name, value) in expected[i].Values)
            {
                var actual = vector[name];
                (double.IsNaN(value) ? double.IsNaN(actual) : actual == value).ShouldBeTrue($"{name} of bar {i}: {actual:R} vs {value:R}");
            }
        }
        minuteEvents[^1].Features["SMA_2@M5"].ShouldBe(expected[^1]["SMA_2@M5"]);
        double.IsFinite(minuteEvents[^1].Features["SMA_2@M5"]).ShouldBeTrue();
        minuteEvents[^1].Features["RSI_14"].ShouldBeInRange(0, 100);
        double.IsFinite(minuteEvents[^1].Features["SMA_3@M2"]).ShouldBeTrue();

        var fiveMinute = received.Where(e => e.Bar.Timeframe == Timeframe.M5).ToList();
        fiveMinute.Count.ShouldBe(5);
        fiveMinute[0].Features.Values.Keys.ShouldContain("SMA_2", "the M5 vector's own timeframe needs no suffix");

        var snapshot = await fixture.Client.GetGrain<IInstrumentGrain>(Symbol).GetSnapshotAsync(1);
        snapshot.Features.Select(v => v.Timeframe).ShouldBe([Timeframe.M1, Timeframe.M5]);
        snapshot.Features[0].Time.ShouldBe(ticks[^1].Time);
        snapshot.Features[0]["MID"].ShouldBe(ticks[^1].Mid, 1e-12);
    }
}
