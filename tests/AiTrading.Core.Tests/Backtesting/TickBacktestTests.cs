using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Backtesting;

public sealed class TickBacktestTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 4, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Minute bars built from quotes: bar 0 closes at mid 9, bar 1 at 12, bar 2 at 8. The quote that closes bar 1 shows
    /// 12.40/12.60 with 3 units each side; the one that closes bar 2 shows 7.50/7.70.
    /// </summary>
    public static IReadOnlyList<Tick> Quotes() =>
    [
        new("TOY", T0, 8.99, 9.01, 0, 0),
        new("TOY", T0.AddSeconds(30), 8.99, 9.01, 0, 0),
        new("TOY", T0.AddSeconds(60), 10.99, 11.01, 0, 0),
        new("TOY", T0.AddSeconds(90), 11.99, 12.01, 0, 0),
        new("TOY", T0.AddSeconds(120), 12.40, 12.60, 3, 3),
        new("TOY", T0.AddSeconds(150), 7.90, 8.10, 0, 0),
        new("TOY", T0.AddSeconds(180), 7.50, 7.70, 0, 0),
        new("TOY", T0.AddSeconds(200), 7.40, 7.60, 0, 0),
    ];

    public static BacktestSeries Series() => new(InstrumentCatalog.Custom("TOY", 9), [], "toy-quotes.csv", Quotes());

    [Fact]
    public void Ticks_build_the_bars_and_each_decision_trades_against_the_quote_that_closed_its_bar()
    {
        var spec = BacktesterTests.AboveTen(quantity: 5) with { Timeframe = "M1" };
        var result = Backtester.Run(spec, [Series()], new BacktestOptions { Paper = new() { SlippageBps = 10, RandomSlippageBps = 0 } });

        // Bar 1 closes at 12 > 10: buy 5 at the ask 12.60 + 10 bp = 12.6126, up to the tick 12.62; only 3 are shown, the
        // rest is cancelled (immediate or cancel). Bar 2 closes at 8 < 10: sell 3 at the bid 7.50 − 10 bp = 7.4925, down to 7.49.
        result.Orders.Select(o => (o.Side, o.Quantity, o.Status, o.FilledQuantity, o.AveragePrice, o.Time)).ShouldBe(
        [
            ("BUY", 5m, "Cancelled", 3m, 12.62m, T0.AddSeconds(120)),
            ("SELL", 3m, "Filled", 3m, 7.49m, T0.AddSeconds(180)),
        ]);
        result.Orders[0].Reason!.ShouldStartWith("IOC: 2 unfilled");
        result.Trades.Single().ShouldBe(new BacktestTrade("TOY", BacktestTrade.Long, 3, T0.AddSeconds(120), 12.62m, T0.AddSeconds(180), 7.49m,
            (7.49m - 12.62m) * 3, 0, 0, 1, false));
        result.FinalEquity.ShouldBe(100_000m + (7.49m - 12.62m) * 3);
        result.Equity.Select(e => e.Time).ShouldBe([T0, T0.AddMinutes(1), T0.AddMinutes(2)], "the bar still forming at the end never closes");
        // A long is marked at the bid: after bar 1's close (the quote 12.40/12.60 it bought at) it is worth 3 × (12.40 − 12.62).
        result.Equity[1].Equity.ShouldBe(100_000 + 3 * (12.40 - 12.62), 1e-9);
        result.Equity[2].Equity.ShouldBe((double)result.FinalEquity, 1e-9);
    }

    [Fact]
    public void Tick_data_is_checked()
    {
        var spec = BacktesterTests.AboveTen() with { Timeframe = "M1" };
        var ticks = Quotes().ToList();
        (ticks[3], ticks[4]) = (ticks[4], ticks[3]);
        Should.Throw<ValidationException>(() => Backtester.Run(spec, [Series() with { Ticks = ticks }], new BacktestOptions()))
            .Message.ShouldContain("toy-quotes.csv: tick 5 at 2024-03-04T09:01:30.0000000+00:00 is before the tick before it");
        Should.Throw<ValidationException>(() => Backtester.Run(spec, [Series()], new BacktestOptions { From = T0.AddDays(1) }))
            .Message.ShouldContain("toy-quotes.csv: no ticks between");
        Should.Throw<ValidationException>(() => new VectorizedBacktest(Series(), new BacktestOptions())).Message.ShouldContain("replays bars, not ticks");
    }
}
