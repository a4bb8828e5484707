using System.Text.Json;
using AiTrading.Connectors.Backtesting;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using AiTrading.Core.Risk;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Tests.Backtesting;

public sealed class BacktesterTests
{
    public static StrategySpec SmaCross() => JsonInput.Read<StrategySpec>(SharedData.Repository("examples/strategies/sma-cross-10-30.json"), "strategy spec");

    public static BacktestSeries DailyIndex(string symbol = "INDEX") => BacktestDataFile.Load(SharedData.File("2006-day-001.txt"), symbol);

    private static readonly DateTimeOffset Day0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Daily bars of a made-up instrument quoted in USD, tick 0.01.</summary>
    public static BacktestSeries Series(string symbol, params (double Open, double Close)[] bars) => new(
        InstrumentCatalog.Custom(symbol, bars[0].Open),
        bars.Select((b, i) => new Bar(symbol, new Timeframe(TimeSpan.FromDays(1)), Day0.AddDays(i), b.Open, Math.Max(b.Open, b.Close), Math.Min(b.Open, b.Close), b.Close, 0, 1)).ToList(),
        $"{symbol}.csv");

    /// <summary>Long one unit (or <paramref name="quantity"/>) while the close is above 10.</summary>
    public static StrategySpec AboveTen(decimal quantity = 1, params string[] instruments) => new()
    {
        Id = "above-ten",
        Account = "BT",
        Instruments = instruments.Length == 0 ? ["TOY"] : instruments,
        Timeframe = "D1",
        Rules = new() { EntryLong = "close > 10", ExitLong = "close < 10" },
        Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = quantity },
    };

    private static readonly (double, double)[] Toy = [(9, 9), (9, 11), (12, 12), (13, 9), (8, 8), (10, 12), (14, 15)];

    [Fact]
    public void The_sma_cross_example_trades_each_cross_at_the_next_open_on_the_2006_daily_index()
    {
        var (expected, finalEquity) = SmaCrossReference.Run(SharedData.File("2006-day-001.txt"), 10, 30);
        expected.Count.ShouldBeGreaterThan(2);

        var result = Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions());

        result.Trades.Select(t => new SmaCrossReference.Trade(t.EntryTime, t.EntryPrice, t.ExitTime, t.ExitPrice)).ShouldBe(expected);
        result.Trades.ShouldAllBe(t => t.Quantity == 1 && t.Side == BacktestTrade.Long);
        result.FinalEquity.ShouldBe(finalEquity);
        result.Cash.ShouldBe(100_000m + expected.Where(t => t.ExitTime is not null).Sum(t => t.ExitPrice!.Value - t.EntryPrice));
        var open = expected[^1].ExitTime is null ? 1 : 0;
        result.Statistics.Trades.ShouldBe(expected.Count - open);
        result.Bars.ShouldBe(255);
        result.Equity[^1].Equity.ShouldBe((double)result.FinalEquity, 0.01, "the curve is marked in doubles, unrounded");
        result.Orders.Count.ShouldBe(expected.Count * 2 - open);
        result.Orders.ShouldAllBe(o => o.Status == "Filled");
    }

    [Fact]
    public void Orders_fill_at_the_next_open_by_default_and_at_the_close_when_asked()
    {
        var toy = Series("TOY", Toy);
        var next = Backtester.Run(AboveTen(), [toy], new BacktestOptions());
        // Closes 9 11 12 9 8 12 15: in on bar 1's close (fills at bar 2's open 12), out on bar 3's close (bar 4's open 8),
        // in again on bar 5's close (bar 6's open 14, still open at the last close 15).
        next.Trades.Select(t => (t.EntryTime, t.EntryPrice, t.ExitTime, t.ExitPrice, t.Pnl)).ShouldBe(
        [
            (Day0.AddDays(2), 12m, Day0.AddDays(4), 8m, -4m),
            (Day0.AddDays(6), 14m, null, null, 1m),
        ]);
        next.FinalEquity.ShouldBe(100_000m - 4 + 1);
        next.Trades[0].Bars.ShouldBe(2);

        var atClose = Backtester.Run(AboveTen(), [toy], new BacktestOptions { Fill = FillModel.ThisBarClose });
        atClose.Trades.Select(t => (t.EntryTime, t.EntryPrice, t.ExitTime, t.ExitPrice)).ShouldBe(
        [
            (Day0.AddDays(2), 11m, Day0.AddDays(4), 9m), // a daily bar closes at the next midnight
            (Day0.AddDays(6), 12m, null, null),
        ]);
        atClose.FinalEquity.ShouldBe(100_000m - 2 + 3);
    }

    [Fact]
    public void Commissions_spread_and_slippage_cost_what_they_should()
    {
        var options = new BacktestOptions
        {
            SpreadBps = 100, // bid and ask 0.5% either side of the open
            Paper = new() { SlippageBps = 10, RandomSlippageBps = 0 },
            Commission = new CommissionModel(PerUnit: 0.5m, PerNotional: 0.001m, Minimum: 1m),
        };
        var result = Backtester.Run(AboveTen(quantity: 10), [Series("TOY", Toy)], options);
        // Buy 10 at bar 2's open: ask 12 × 1.005 = 12.06, slipped 0.1% = 12.07206, rounded up to the tick: 12.08.
        // Sell 10 at bar 4's open: bid 8 × 0.995 = 7.96, slipped = 7.95204, rounded down: 7.95.
        var first = result.Trades[0];
        (first.EntryPrice, first.ExitPrice).ShouldBe((12.08m, 7.95m));
        // Commission: max(1, 0.5 × 10 + 0.001 × notional): 5.1208 → 5.12 and 5.0795 → 5.08.
        first.Commission.ShouldBe(5.12m + 5.08m);
        first.Pnl.ShouldBe((7.95m - 12.08m) * 10 - 10.20m);
        result.Orders[0].Commission.ShouldBe(5.12m);
        var minimum = Backtester.Run(AboveTen(quantity: 1), [Series("TOY", Toy)], options with { Commission = new(PerUnit: 0.01m, Minimum: 1m) });
        minimum.Orders.ShouldAllBe(o => o.Commission == 1m);
        minimum.Commissions.ShouldBe(minimum.Orders.Count);
    }

    [Fact]
    public void Financing_is_charged_for_every_night_a_position_is_held()
    {
        // In on bar 1's close, filled at bar 2's open; held over the nights into bars 3 and 4 at the previous closes 12 and 9.
        var result = Backtester.Run(AboveTen(quantity: 100), [Series("TOY", Toy)], new BacktestOptions { Financing = new(LongRate: 0.0365m, ShortRate: 0) });
        var first = result.Trades[0];
        // 100 × 12 × 0.0365 / 365 = 0.12, then 100 × 9 × 0.0001 = 0.09: the night into bar 4 was held before its open, where the exit fills.
        first.Financing.ShouldBe(0.12m + 0.09m);
        first.Pnl.ShouldBe((8m - 12m) * 100 - 0.21m);
        var second = result.Trades[1];
        second.Financing.ShouldBe(0m, "entered at the last bar's open: no night held yet");
        result.Financing.ShouldBe(0.21m);
    }

    [Fact]
    public void The_accounts_risk_gate_and_the_strategys_limits_refuse_orders_as_live()
    {
        var risky = Backtester.Run(AboveTen(quantity: 5), [Series("TOY", Toy)], new BacktestOptions { Risk = new RiskLimits { MaxPositionQuantity = 4 } });
        risky.Trades.ShouldBeEmpty();
        risky.Orders.ShouldNotBeEmpty();
        risky.Orders.ShouldAllBe(o => o.Status == "Rejected" && o.Reason!.StartsWith("max_position: position in TOY would be 5"));

        var limited = Backtester.Run(AboveTen(quantity: 5) with { Limits = new() { MaxPosition = 3 } }, [Series("TOY", Toy)], new BacktestOptions());
        limited.Orders.ShouldAllBe(o => o.Status == "Rejected" && o.Reason!.StartsWith("strategy_max_position"));
        limited.FinalEquity.ShouldBe(100_000m);
    }

    [Fact]
    public void Bars_before_from_and_the_warm_up_bars_only_warm_the_strategy_up()
    {
        var from = new DateTimeOffset(2006, 7, 1, 0, 0, 0, TimeSpan.Zero);
        var full = Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions());
        var late = Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions { From = from });
        late.Start.ShouldBeGreaterThanOrEqualTo(from);
        late.Trades.Select(t => t.EntryTime).ShouldBe(full.Trades.Where(t => t.EntryTime >= from).Select(t => t.EntryTime), "the averages were warm at the start");

        var warm = Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions { WarmupBars = 100 });
        warm.Bars.ShouldBe(full.Bars - 100);
        warm.Orders.ShouldAllBe(o => o.DecidedAt > warm.Start);
    }

    [Fact]
    public void Several_instruments_trade_side_by_side_as_each_would_alone()
    {
        var spec = SmaCross() with { Instruments = ["INDEX", "ORCL"] };
        var orcl = BacktestDataFile.Load(SharedData.File("orcl-1995-2014.txt"), "ORCL");
        var orcl2006 = orcl with { Bars = orcl.Bars.Where(b => b.OpenTime.Year == 2006).ToList() };
        var both = Backtester.Run(spec, [DailyIndex(), orcl2006], new BacktestOptions());
        var index = Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions());
        var alone = Backtester.Run(SmaCross() with { Instruments = ["ORCL"] }, [orcl2006], new BacktestOptions());

        both.Trades.Where(t => t.Symbol == "INDEX").ShouldBe(index.Trades);
        both.Trades.Where(t => t.Symbol == "ORCL").ShouldBe(alone.Trades);
        (both.FinalEquity - 100_000m).ShouldBe(index.FinalEquity - 100_000m + (alone.FinalEquity - 100_000m));
    }

    [Fact]
    public void A_live_spec_runs_unchanged_and_the_same_input_gives_the_same_result()
    {
        var spec = JsonInput.Read<StrategySpec>(SharedData.Repository("examples/strategies/rsi-reversion-xauusd.json"), "strategy spec");
        var gold = BacktestDataFile.Load(SharedData.File("2006-min-005.txt"), "XAUUSD");
        var options = new BacktestOptions { Paper = new() { SlippageBps = 0.2m, RandomSlippageBps = 0.3m, Seed = 11 }, SpreadBps = 2 };
        var first = Backtester.Run(spec, [gold], options);
        var second = Backtester.Run(spec, [gold], options);
        first.Trades.Count.ShouldBeGreaterThan(5);
        first.Trades.ShouldContain(t => t.Side == BacktestTrade.Short);
        first.Orders.ShouldContain(o => o.Signal.StartsWith("stop loss") || o.Signal.StartsWith("trailing stop"));
        JsonSerializer.Serialize(second).ShouldBe(JsonSerializer.Serialize(first));
    }

    [Fact]
    public void P_and_l_in_another_quote_currency_converts_at_the_rate_of_the_moment()
    {
        var usdjpy = InstrumentCatalog.Default["USDJPY"];
        (double Open, double Close)[] prices = [(150, 150), (150, 151), (151.2, 152), (152, 150), (149, 149)];
        var bars = prices.Select((p, i) => new Bar("USDJPY", new Timeframe(TimeSpan.FromDays(1)), Day0.AddDays(i), p.Open, Math.Max(p.Open, p.Close), Math.Min(p.Open, p.Close), p.Close, 0, 1)).ToList();
        var spec = AboveTen(quantity: 1000, "USDJPY") with { Rules = new() { EntryLong = "close > 150.5", ExitLong = "close < 150.5" } };
        var result = Backtester.Run(spec, [new BacktestSeries(usdjpy, bars, "usdjpy.csv")], new BacktestOptions());
        // Bought 1000 at 151.2 (bar 2's open), sold at 149 (bar 4's open): -2200 JPY at 1/149 USD per JPY = -14.77 USD.
        result.Trades.Single().Pnl.ShouldBe(-14.77m);
        result.FinalEquity.ShouldBe(100_000m - 14.77m);
        Should.Throw<ValidationException>(() => Backtester.Run(spec with { Instruments = ["XAUJPY"] },
                [new BacktestSeries(usdjpy with { Symbol = "XAUJPY", BaseCurrency = "XAU" }, bars.Select(b => b with { Symbol = "XAUJPY" }).ToList(), "xaujpy.csv")], new BacktestOptions()))
            .Message.ShouldContain("xaujpy.csv: XAUJPY is quoted in JPY; add data for JPYUSD or USDJPY to convert it into USD");
    }

    [Fact]
    public void Bad_input_is_named()
    {
        Should.Throw<ValidationException>(() => Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions { InitialCash = -5 }))
            .Errors.ShouldContain(new FieldError("cash", "must be greater than 0 (got -5)"));
        Should.Throw<ValidationException>(() => Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions { Paper = new() { Latency = TimeSpan.FromSeconds(1) } }))
            .Errors.Single().Field.ShouldBe("paper.latency");
        var empty = Should.Throw<ValidationException>(() => Backtester.Run(SmaCross(), [DailyIndex()], new BacktestOptions { From = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) }));
        empty.Message.ShouldContain("2006-day-001.txt: no bars between 2030-01-01T00:00:00.0000000+00:00 and the end");
        var duplicated = DailyIndex() with { Source = "dup.csv" };
        duplicated = duplicated with { Bars = [.. duplicated.Bars.Take(5), duplicated.Bars[4], .. duplicated.Bars.Skip(5)] };
        Should.Throw<ValidationException>(() => Backtester.Run(SmaCross(), [duplicated], new BacktestOptions()))
            .Message.ShouldContain("dup.csv: bar 6 at 2006-01-06T00:00:00.0000000+00:00 is a duplicate of the bar before it");
        Should.Throw<ValidationException>(() => Backtester.Run(SmaCross(), [DailyIndex("OTHER")], new BacktestOptions()))
            .Errors.Select(e => e.Field).ShouldBe(["instruments[0]"]);
        Should.Throw<ValidationException>(() => Backtester.Run(SmaCross() with { Timeframe = "M5" }, [DailyIndex()], new BacktestOptions()))
            .Errors.ShouldContain(new FieldError("timeframe", "'M5' has no bars here (use D1)"));
    }
}
