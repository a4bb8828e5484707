using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.MarketData;

public sealed class BarAggregatorTests
{
    private static readonly DateTimeOffset Day = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private static Tick Quote(TimeSpan at, double mid, string symbol = "EURUSD") =>
        new(symbol, Day + at, mid - 0.0001, mid + 0.0001, 1, 1);

    private static Tick Trade(TimeSpan at, double price, double size) =>
        new("EURUSD", Day + at, price - 0.0001, price + 0.0001, 1, 1, price, size);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static List<Bar> Run(BarAggregator aggregator, IEnumerable<Tick> ticks)
    {
        var bars = new List<Bar>();
        foreach (var tick in ticks)
        {
            var done = aggregator.Update(tick, out var bar);
            done.ShouldBe(bar is not null);
            if (bar is not null) bars.Add(bar);
        }
        return bars;
    }

    [Fact]
    public void A_tick_at_the_close_time_completes_the_bar_with_its_ohlc_volume_and_tick_count()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        aggregator.Current.ShouldBeNull();

        aggregator.Update(Quote(S(10), 1.10), out var none).ShouldBeFalse();
        none.ShouldBeNull();
        aggregator.Update(Quote(S(20), 1.30), out _).ShouldBeFalse();
        aggregator.Update(Quote(S(30), 1.05), out _).ShouldBeFalse();
        aggregator.Update(Quote(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1), 1.20), out _).ShouldBeFalse();
        var forming = aggregator.Current.ShouldNotBeNull();
        forming.TickCount.ShouldBe(4);
        forming.Close.ShouldBe(1.20, 1e-12);

        aggregator.Update(Quote(S(60), 1.25), out var completed).ShouldBeTrue();
        var bar = completed.ShouldNotBeNull();
        bar.Symbol.ShouldBe("EURUSD");
        bar.Timeframe.ShouldBe(Timeframe.M1);
        bar.OpenTime.ShouldBe(Day);
        bar.CloseTime.ShouldBe(Day.AddMinutes(1));
        bar.Open.ShouldBe(1.10, 1e-12);
        bar.High.ShouldBe(1.30, 1e-12);
        bar.Low.ShouldBe(1.05, 1e-12);
        bar.Close.ShouldBe(1.20, 1e-12);
        bar.TickCount.ShouldBe(4);
        bar.Volume.ShouldBe(4); // quote-only ticks: tick volume

        var next = aggregator.Current.ShouldNotBeNull();
        next.OpenTime.ShouldBe(Day.AddMinutes(1));
        next.Open.ShouldBe(1.25, 1e-12);
        next.TickCount.ShouldBe(1);
    }

    [Fact]
    public void Volume_is_traded_size_for_trades_and_one_per_quote()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        Run(aggregator, [Trade(S(1), 1.1, 250), Trade(S(2), 1.2, 750), Quote(S(3), 1.15), Trade(S(4), 1.1, 0.5)]);
        var bar = aggregator.Current.ShouldNotBeNull();
        bar.Volume.ShouldBe(1001.5);
        bar.TickCount.ShouldBe(4);
    }

    [Fact]
    public void Gaps_produce_no_empty_bars()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        var bars = Run(aggregator, [Quote(S(5), 1.0), Quote(TimeSpan.FromMinutes(7.5), 1.1), Quote(TimeSpan.FromMinutes(8.2), 1.2), Quote(TimeSpan.FromHours(3), 1.3)]);
        bars.Select(b => b.OpenTime).ShouldBe([Day, Day.AddMinutes(7), Day.AddMinutes(8)]);
        bars.ShouldAllBe(b => b.TickCount == 1);
        aggregator.Current!.OpenTime.ShouldBe(Day.AddHours(3));
    }

    [Fact]
    public void M5_bars_are_aligned_to_five_minute_boundaries_in_utc()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.M5);
        var plus2 = new Tick("EURUSD", new DateTimeOffset(2026, 1, 5, 12, 3, 20, TimeSpan.FromHours(2)), 1.0, 1.0002, 1, 1);
        aggregator.Update(plus2, out _);
        aggregator.Current!.OpenTime.ShouldBe(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));
        aggregator.Current!.OpenTime.Offset.ShouldBe(TimeSpan.Zero);

        aggregator.Update(Quote(new TimeSpan(10, 4, 59), 1.2), out _).ShouldBeFalse();
        aggregator.Update(Quote(new TimeSpan(10, 5, 0), 1.3), out var bar).ShouldBeTrue();
        bar!.OpenTime.ShouldBe(Day.AddHours(10));
        bar.CloseTime.ShouldBe(Day.AddHours(10).AddMinutes(5));
        bar.TickCount.ShouldBe(2);
        aggregator.Current!.OpenTime.ShouldBe(Day.AddHours(10).AddMinutes(5));
    }

    [Fact]
    public void A_tick_older_than_the_forming_bar_is_refused_naming_the_symbol_and_times()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        aggregator.Update(Quote(TimeSpan.FromMinutes(10.5), 1.1), out _);
        // Older than the previous tick but inside the forming bar: accepted.
        aggregator.Update(Quote(TimeSpan.FromMinutes(10.1), 1.2), out _).ShouldBeFalse();

        var error = Should.Throw<ArgumentException>(() => aggregator.Update(Quote(TimeSpan.FromMinutes(9.5), 1.0), out _));
        error.Message.ShouldContain("EURUSD");
        error.Message.ShouldContain("2026-01-05T00:09:30");
        error.Message.ShouldContain("2026-01-05T00:10:00");
        aggregator.Current!.TickCount.ShouldBe(2); // the forming bar is untouched
    }

    [Fact]
    public void Ticks_of_another_symbol_or_without_a_price_are_refused()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        Should.Throw<ArgumentException>(() => aggregator.Update(Quote(S(1), 1.1, "GBPUSD"), out _)).Message.ShouldContain("GBPUSD");
        Should.Throw<ArgumentException>(() => aggregator.Update(new Tick("EURUSD", Day, double.NaN, 1.1, 1, 1), out _));
        aggregator.Current.ShouldBeNull();
    }

    [Fact]
    public void Reset_drops_the_forming_bar()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        aggregator.Update(Quote(TimeSpan.FromMinutes(5), 1.1), out _);
        aggregator.Reset();
        aggregator.Current.ShouldBeNull();
        // After a reset an earlier time is a fresh start, not an out-of-order tick.
        aggregator.Update(Quote(S(1), 1.2), out var bar).ShouldBeFalse();
        bar.ShouldBeNull();
        aggregator.Current!.OpenTime.ShouldBe(Day);
        aggregator.Current!.Open.ShouldBe(1.2, 1e-12);
    }

    [Fact]
    public void Updating_inside_a_bar_allocates_nothing()
    {
        var aggregator = new BarAggregator("EURUSD", Timeframe.Parse("H1"));
        var ticks = Enumerable.Range(0, 10_000).Select(i => Quote(TimeSpan.FromMilliseconds(i * 100), 1.1 + i * 1e-6)).ToArray();
        aggregator.Update(ticks[0], out _);
        aggregator.Update(ticks[1], out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 2; i < ticks.Length; i++) aggregator.Update(ticks[i], out _);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        aggregator.Current!.TickCount.ShouldBe(10_000);
    }
}
