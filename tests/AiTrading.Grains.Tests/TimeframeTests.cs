using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;
using Orleans.Runtime;
using Orleans.Streams;

namespace AiTrading.Grains.Tests;

/// <summary>Strategies on timeframes other than M1 and M5: the instrument builds their bars once asked, and keeps doing so.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TimeframeTests(ClusterFixture fixture)
{
    private static readonly Timeframe H1 = Timeframe.Parse("H1");

    private static StrategySpec Hourly(string id, string account, string symbol) => new()
    {
        Id = id,
        Account = account,
        Instruments = [symbol],
        Timeframe = "H1",
        Features = [new("SMA", new Dictionary<string, double> { ["period"] = 3 }), new("SMA", new Dictionary<string, double> { ["period"] = 8 })],
        Rules = new() { EntryLong = "cross_above(SMA_3, SMA_8)", ExitLong = "cross_below(SMA_3, SMA_8)" },
        Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 10 },
    };

    /// <summary>A tick every 5 minutes on a 6-hour wave, so the hourly SMA(3) and SMA(8) cross every few bars.</summary>
    private static List<Tick> Wave(string symbol, int from, int count) =>
        TickPaths.Generate(symbol, from + count, TimeSpan.FromMinutes(5), i => 100 + 3 * Math.Sin(2 * Math.PI * i / 72)).Skip(from).ToList();

    [Fact]
    public async Task An_hourly_strategy_gets_hourly_bars_and_vectors_warms_on_their_history_and_trades_as_core_decides()
    {
        const string symbol = "HOURLY1", first = "hourly-first", second = "hourly-second";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync("HOURLY-A");
        await fixture.OpenAccountAsync("HOURLY-B");
        var instrument = fixture.Client.GetGrain<IInstrumentGrain>(symbol);
        var closed = new List<BarClosed>();
        await fixture.Client.GetStreamProvider(StreamNames.Provider).GetStream<BarClosed>(StreamNames.Bars, symbol)
            .SubscribeAsync((e, _) => { lock (closed) closed.Add(e); return Task.CompletedTask; });

        // The first strategy has the instrument build H1 bars before the first tick; the second starts 29 bars later.
        (await fixture.Client.GetGrain<IStrategyGrain>(first).SubmitAsync(Hourly(first, "HOURLY-A", symbol))).Strategy.State.ShouldBe(StrategyLifecycle.Running);
        await fixture.PublishAsync(symbol, Wave(symbol, 0, 360));
        var history = (await instrument.GetSnapshotAsync(InstrumentGrain.BarHistory)).BarsOf(H1);
        history.Count.ShouldBe(29);
        var secondStrategy = fixture.Client.GetGrain<IStrategyGrain>(second);
        await secondStrategy.SubmitAsync(Hourly(second, "HOURLY-B", symbol));
        await fixture.PublishAsync(symbol, Wave(symbol, 360, 361));
        // Ticks 360 to 720 close the bars of hours 29 to 59: 31 live bars.
        await Eventually.True(async () => (await secondStrategy.GetAsync())!.BarsSeen >= 31, "the second strategy to see 31 live hourly bars");
        (await secondStrategy.GetAsync())!.BarsSeen.ShouldBe(31);

        // The bars are the ticks' hourly bars, and each goes out with the H1 vector.
        var aggregator = new BarAggregator(symbol, H1);
        var expected = new List<Bar>();
        foreach (var tick in Wave(symbol, 0, 721))
            if (aggregator.Update(tick, out var bar)) expected.Add(bar!);
        (await instrument.GetSnapshotAsync(InstrumentGrain.BarHistory)).BarsOf(H1).ShouldBe(expected);
        history.ShouldBe(expected.Take(29));
        await Eventually.True(() => { lock (closed) return closed.Count(e => e.Bar.Timeframe == H1) >= expected.Count; }, "every hourly bar on the bars stream");
        List<BarClosed> hourly;
        lock (closed) hourly = closed.Where(e => e.Bar.Timeframe == H1).ToList();
        hourly.Select(e => e.Bar).ShouldBe(expected);
        hourly.ShouldAllBe(e => e.Features.Timeframe == H1 && e.Features.Time == e.Bar.CloseTime);

        // The second strategy decides as a Core engine warmed on the 29 bars of history (flat, as the grain warms) and fed the rest.
        var engine = StrategyProgram.Compile(Hourly(second, "HOURLY-B", symbol), LiveStrategyCatalog.For([symbol], [])).CreateEngine(symbol);
        foreach (var bar in expected.Take(29))
        {
            try { engine.OnBar(bar, StrategyPosition.Flat, new StrategyContext(double.NaN, 0, 1)); }
            catch (StrategyRuleException) { }
        }
        var position = 0m;
        var decided = new List<(DateTimeOffset, string)>();
        foreach (var bar in expected.Skip(29))
        {
            var signal = engine.OnBar(bar, new StrategyPosition(position, 0, 0), new StrategyContext(double.NaN, 0, 1));
            if (!signal.ChangesPosition) continue;
            decided.Add((bar.OpenTime, signal.Action.ToString()));
            position = signal.TargetPosition;
        }
        decided.Count.ShouldBeGreaterThan(2);
        decided.Take(1).ShouldAllBe(d => d.Item1 < expected[29 + 8].OpenTime, "a decision before 8 live bars could have warmed SMA(8) up");
        var live = (await fixture.Client.GetGrain<IAuditStreamGrain>("HOURLY-B").ReadAsync(1, 1000)).Where(r => r.Kind == AuditKinds.Decision)
            .Select(r => JsonDocument.Parse(r.Payload).RootElement)
            .Select(d => (d.GetProperty("barTime").GetDateTimeOffset(), d.GetProperty("action").GetString()!)).ToList();
        live.ShouldBe(decided);
        await fixture.Client.GetGrain<IStrategyGrain>(first).StopAsync();
        await secondStrategy.StopAsync();
    }

    [Fact]
    public async Task The_instrument_keeps_building_a_timeframe_after_a_restart_and_refuses_bad_or_too_many()
    {
        const string symbol = "DAILY1";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        var instrument = fixture.Client.GetGrain<IInstrumentGrain>(symbol);
        await instrument.ServeTimeframeAsync("D1");
        await instrument.ServeTimeframeAsync("D1");
        await instrument.ServeTimeframeAsync("M1");

        foreach (var (name, message) in new[]
                 {
                     ("M60", "'M60' is written H1"), ("h1", "'h1' is written H1"), ("X1", "unknown unit"), ("D367", "outside S1 to D366"),
                     ("D99999999", "is not a timeframe"), ("", "is not a timeframe"), ("M0", "is not of the form"),
                 })
        {
            var refused = await Should.ThrowAsync<InvalidRequestException>(() => instrument.ServeTimeframeAsync(name));
            refused.Errors.Single().Field.ShouldBe("timeframe");
            refused.Errors.Single().Message.ShouldContain(message);
        }
        for (var hours = 2; hours < 2 + InstrumentGrain.MaxTimeframes - 1; hours++) await instrument.ServeTimeframeAsync($"H{hours}");
        var full = await Should.ThrowAsync<InvalidRequestException>(() => instrument.ServeTimeframeAsync("H12"));
        full.Message.ShouldContain($"{symbol} builds {InstrumentGrain.MaxTimeframes} timeframes besides M1 and M5 already");
        await Should.ThrowAsync<ResourceNotFoundException>(() => fixture.Client.GetGrain<IInstrumentGrain>("UNCONFIGURED-TF").ServeTimeframeAsync("D1"));

        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var ticks = TickPaths.Generate(symbol, 3 * 24, TimeSpan.FromHours(1), i => 100 + i % 5);
        await fixture.PublishAsync(symbol, ticks);
        var snapshot = await instrument.GetSnapshotAsync(10);
        snapshot.BarsByTimeframe!.Keys.ShouldBe(["M1", "M5", "D1", "H2", "H3", "H4", "H5", "H6", "H7", "H8"], ignoreOrder: true);
        snapshot.BarsOf(Timeframe.Parse("D1")).Select(b => (b.OpenTime, b.TickCount)).ShouldBe([(TickPaths.Start, 24), (TickPaths.Start.AddDays(1), 24)]);
        snapshot.Features.Select(v => v.Timeframe.Name).ShouldContain("D1");
    }
}
