using AiTrading.Core.Backtesting;

namespace AiTrading.Core.Tests.Backtesting;

public sealed class OrderParityTests
{
    private static readonly DateTimeOffset Monday = new(2006, 3, 6, 0, 0, 0, TimeSpan.Zero);

    private static ParityOrder Live(decimal price, decimal spread = 0.02m) => new("INDEX", Monday, "BUY", 10, "Filled", 10, price, spread);

    private static ParityOrder Backtest(decimal price) => new("INDEX", Monday, "BUY", 10, "Filled", 10, price);

    [Fact]
    public void Orders_equal_in_all_but_a_price_within_the_live_spread_match()
    {
        var report = OrderParity.Compare([Live(100.01m), Live(99.98m)], [Backtest(100m), Backtest(100m)]);
        report.Matches.ShouldBeTrue();
        report.Rows.Select(r => r.Mismatch).ShouldBe([null, null]);
        report.Summary.ShouldStartWith("parity: MATCH: 2 live orders, 2 backtest orders, 0 mismatched");
    }

    [Fact]
    public void Each_difference_is_named_and_an_order_one_side_lacks_is_a_mismatch()
    {
        var live = new List<ParityOrder>
        {
            Live(100.03m),
            Live(100m) with { Time = Monday.AddDays(1), Side = "SELL" },
            Live(100m) with { Quantity = 20, FilledQuantity = 5, Status = "Cancelled" },
            Live(100m) with { Symbol = "OTHER", Price = null, FilledQuantity = 0, Status = "Rejected" },
            Live(100m),
        };
        var report = OrderParity.Compare(live, [Backtest(100m), Backtest(100m), Backtest(100m), Backtest(100m)]);
        report.Matches.ShouldBeFalse();
        report.Rows.Select(r => r.Mismatch).ShouldBe(
        [
            "price 100.03 vs 100 differs by 0.03, more than the spread 0.02",
            "time, side",
            "quantity, status, filled quantity",
            "symbol, status, filled quantity, price",
            "no backtest order",
        ]);
        OrderParity.Compare([], [Backtest(1m)]).Rows.Single().Mismatch.ShouldBe("no live order");
        report.Summary.ShouldStartWith("parity: MISMATCH: 5 live orders, 4 backtest orders, 5 mismatched");
    }
}
