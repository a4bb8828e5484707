using AiTrading.Core.Portfolio;
using AiTrading.Core.Trading;
using PortfolioBook = AiTrading.Core.Portfolio.Portfolio;

namespace AiTrading.Core.Tests.Portfolio;

public sealed class PortfolioTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static int _id;
    private static Fill F(string symbol, OrderSide side, decimal qty, decimal price, DateTimeOffset? time = null) =>
        new($"f{Interlocked.Increment(ref _id)}", "o", "ACC", symbol, side, qty, price, time ?? Day1, "paper");

    [Fact]
    public void Averages_up_then_realises_on_the_reducing_fill()
    {
        var p = new PortfolioBook("ACC", "USD", 100_000);
        p.ApplyFill(F("EURUSD", OrderSide.Buy, 10_000, 1.1000m), "USD", 1);
        p.ApplyFill(F("EURUSD", OrderSide.Buy, 10_000, 1.1010m), "USD", 1);
        p.Positions["EURUSD"].AveragePrice.ShouldBe(1.1005m);

        var realized = p.ApplyFill(F("EURUSD", OrderSide.Sell, 5_000, 1.1025m), "USD", 1);
        realized.ShouldBe(10m); // (1.1025 − 1.1005) × 5,000
        p.Positions["EURUSD"].Quantity.ShouldBe(15_000);
        p.Positions["EURUSD"].AveragePrice.ShouldBe(1.1005m);
        p.Cash.ShouldBe(100_010m);
    }

    [Fact]
    public void A_flip_realises_the_old_side_and_opens_the_rest_at_the_fill_price()
    {
        var p = new PortfolioBook("ACC", "USD", 0);
        p.ApplyFill(F("XAUUSD", OrderSide.Sell, 2, 2350m), "USD", 1);
        p.ApplyFill(F("XAUUSD", OrderSide.Buy, 5, 2340m), "USD", 1).ShouldBe(20m);
        p.Positions["XAUUSD"].Quantity.ShouldBe(3);
        p.Positions["XAUUSD"].AveragePrice.ShouldBe(2340m);
    }

    [Fact]
    public void Converts_quote_currency_pnl_into_the_account_currency()
    {
        var p = new PortfolioBook("ACC", "USD", 0);
        p.ApplyFill(F("USDJPY", OrderSide.Buy, 10_000, 150.00m), "JPY", 1 / 150m);
        var realized = p.ApplyFill(F("USDJPY", OrderSide.Sell, 10_000, 151.50m), "JPY", 1 / 151.5m);
        realized.ShouldBe(99.01m); // ¥15,000 at the closing rate, booked in cents
        p.Positions["USDJPY"].RealizedPnl.ShouldBe(15_000m);
    }

    [Fact]
    public void Money_is_booked_in_the_minor_units_of_the_account_currency()
    {
        Money.Round(1.005m, "USD").ShouldBe(1.00m);
        Money.Round(1.015m, "USD").ShouldBe(1.02m);
        Money.Round(1234.5m, "JPY").ShouldBe(1234m);
        Money.Round(1.23456m, "KWD").ShouldBe(1.235m);
        var p = new PortfolioBook("ACC", "JPY", 0);
        p.ApplyFill(F("EURUSD", OrderSide.Buy, 1_000, 1.10000m), "USD", 151.237m);
        p.ApplyFill(F("EURUSD", OrderSide.Sell, 1_000, 1.10013m), "USD", 151.237m).ShouldBe(20m); // $0.13 = ¥19.66 → ¥20
    }

    [Fact]
    public void Marks_longs_at_the_bid_and_shorts_at_the_ask()
    {
        var p = new PortfolioBook("ACC", "USD", 1_000);
        p.ApplyFill(F("EURUSD", OrderSide.Buy, 1_000, 1.1000m), "USD", 1);
        p.ApplyFill(F("GBPUSD", OrderSide.Sell, 1_000, 1.2700m), "USD", 1);
        var marks = new Dictionary<string, Mark> { ["EURUSD"] = new(1.1010m, 1.1012m, 1), ["GBPUSD"] = new(1.2690m, 1.2692m, 1) };
        var v = p.Value(s => marks.TryGetValue(s, out var m) ? m : null);
        v.Positions.Single(x => x.Position.Symbol == "EURUSD").UnrealizedPnl.ShouldBe(1.0m);
        v.Positions.Single(x => x.Position.Symbol == "GBPUSD").UnrealizedPnl.ShouldBe(0.8m);
        v.UnrealizedPnl.ShouldBe(1.8m);
        v.Equity.ShouldBe(1_001.8m);
        v.DailyPnl.ShouldBe(1.8m);
    }

    [Fact]
    public void Daily_pnl_restarts_on_a_new_utc_day_and_fills_apply_once()
    {
        var p = new PortfolioBook("ACC", "USD", 0);
        p.ApplyFill(F("EURUSD", OrderSide.Buy, 1_000, 1.10m), "USD", 1);
        p.ApplyFill(F("EURUSD", OrderSide.Sell, 1_000, 1.09m), "USD", 1);
        p.RealizedToday.ShouldBe(-10m);
        var nextDay = F("EURUSD", OrderSide.Buy, 1_000, 1.09m, Day1.AddDays(1));
        p.ApplyFill(nextDay, "USD", 1);
        p.RealizedToday.ShouldBe(0m);
        p.ApplyFill(nextDay, "USD", 1).ShouldBe(0m);
        p.Positions["EURUSD"].Quantity.ShouldBe(1_000);
        p.RealizedPnl.ShouldBe(-10m);
    }

    [Fact]
    public void Fill_ids_are_remembered_for_the_last_window_of_fills_only_and_survive_a_snapshot()
    {
        var p = new PortfolioBook("ACC", "USD", 0, fillIdWindow: 3);
        var fills = Enumerable.Range(0, 5).Select(_ => F("EURUSD", OrderSide.Buy, 1, 1.10m)).ToList();
        foreach (var fill in fills) p.ApplyFill(fill, "USD", 1);

        p.AppliedFills.ShouldBe(fills.Skip(2).Select(f => PortfolioBook.Fingerprint(f.FillId)));
        p.HasApplied(fills[1].FillId).ShouldBeFalse();
        var restored = PortfolioBook.FromSnapshot(p.ToSnapshot(), fillIdWindow: 2);
        restored.AppliedFills.ShouldBe(fills.Skip(3).Select(f => PortfolioBook.Fingerprint(f.FillId)));
        restored.ApplyFill(fills[4], "USD", 1);
        restored.Positions["EURUSD"].Quantity.ShouldBe(5);
        p.ToSnapshot().AppliedFillIds.ShouldBeEmpty("the snapshot holds fingerprints, not the ids");
    }

    [Fact]
    public void A_snapshot_written_with_fill_ids_is_read_into_fingerprints()
    {
        var p = new PortfolioBook("ACC", "USD", 0);
        var fill = F("EURUSD", OrderSide.Buy, 1, 1.10m);
        var old = p.ToSnapshot() with { AppliedFillIds = [fill.FillId], AppliedFills = null };
        var restored = PortfolioBook.FromSnapshot(old);
        restored.HasApplied(fill.FillId).ShouldBeTrue();
        restored.ApplyFill(fill, "USD", 1).ShouldBe(0m);
        restored.Positions.ShouldBeEmpty();
        PortfolioBook.Fingerprint("paper/EURUSD:o-1#1").ShouldNotBe(PortfolioBook.Fingerprint("paper/EURUSD:o-1#2"));
    }

    [Fact]
    public void A_day_without_fills_does_not_carry_yesterdays_realised_pnl_into_the_daily_loss()
    {
        var p = new PortfolioBook("ACC", "USD", 0);
        p.ApplyFill(F("EURUSD", OrderSide.Buy, 1_000, 1.10m), "USD", 1);
        p.ApplyFill(F("EURUSD", OrderSide.Sell, 1_000, 1.09m), "USD", 1);
        p.Value(_ => null, Day1).DailyPnl.ShouldBe(-10m);
        p.Value(_ => null, Day1.AddDays(1)).DailyPnl.ShouldBe(0m);
        p.RealizedPnl.ShouldBe(-10m);
    }

    [Fact]
    public void Snapshot_round_trips()
    {
        var p = new PortfolioBook("ACC", "USD", 500);
        p.ApplyFill(F("EURUSD", OrderSide.Buy, 1_000, 1.10m), "USD", 1);
        var copy = PortfolioBook.FromSnapshot(p.ToSnapshot());
        copy.ToSnapshot().ShouldBeEquivalentTo(p.ToSnapshot());
    }

    [Fact]
    public void Fx_converter_uses_direct_or_inverse_pairs_and_names_a_missing_one()
    {
        var mids = new Dictionary<string, double> { ["USDJPY"] = 150, ["EURUSD"] = 1.1 };
        Func<string, double?> midOf = s => mids.TryGetValue(s, out var m) ? m : null;
        FxConverter.Rate("USD", "USD", midOf).ShouldBe(1m);
        FxConverter.Rate("EUR", "USD", midOf).ShouldBe(1.1m);
        FxConverter.Rate("JPY", "USD", midOf).ShouldBe(1m / 150m);
        Should.Throw<InvalidOperationException>(() => FxConverter.Rate("CHF", "USD", midOf)).Message.ShouldContain("CHFUSD");
    }

    [Fact]
    public void Only_currency_pairs_are_looked_up_to_convert()
    {
        FxConverter.ConversionSymbols("EUR", "USD").ShouldBe(["EURUSD", "USDEUR"]);
        FxConverter.ConversionSymbols("USD", "USD").ShouldBeEmpty();
        FxConverter.ConversionSymbols("ORCL", "USD").ShouldBeEmpty(); // a share's "base" is the share
    }
    [Fact]
    public void A_charge_lowers_cash_and_realised_pnl_rounded_to_the_currency_and_counts_today()
    {
        var p = new PortfolioBook("ACC", "USD", 1_000);
        var day = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        p.Charge(1.234m, day).ShouldBe(1.23m);
        p.Charge(-0.5m, day).ShouldBe(-0.5m); // a credit
        (p.Cash, p.RealizedPnl, p.RealizedToday, p.TradingDay).ShouldBe((999.27m, -0.73m, -0.73m, DateOnly.FromDateTime(day.UtcDateTime)));
        p.Charge(1m, day.AddDays(1));
        p.RealizedToday.ShouldBe(-1m, "a new day starts today's P&L afresh");
    }
}
