using System.Globalization;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// One order of a run, as parity compares it: <see cref="Time"/> is when it traded (the time of the quote it filled
/// on; for an order refused before it reached the venue, the quote it would have traded on). <see cref="Spread"/> is
/// the ask minus the bid of that quote, for live orders: the tolerance of the price.
/// </summary>
public sealed record ParityOrder(
    string Symbol, DateTimeOffset Time, string Side, decimal Quantity, string Status, decimal FilledQuantity, decimal? Price, decimal? Spread = null)
{
    public static ParityOrder From(BacktestOrder order) =>
        new(order.Symbol, order.Time, order.Side, order.Quantity, order.Status, order.FilledQuantity, order.AveragePrice);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Time:yyyy-MM-dd HH:mm:ss} {Side,-4} {Quantity,8} {Symbol} {Status,-9}{(FilledQuantity > 0 ? $" {FilledQuantity} at {Price}" : "")}");
}

/// <summary>A live order and the backtest's in the same place of their sequences, and what does not match (null when they match).</summary>
public sealed record ParityRow(int Number, ParityOrder? Live, ParityOrder? Backtest, string? Mismatch);

public sealed record ParityReport(IReadOnlyList<ParityRow> Rows)
{
    public int Mismatches => Rows.Count(r => r.Mismatch is not null);
    public bool Matches => Mismatches == 0;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"parity: {(Matches ? "MATCH" : "MISMATCH")}: {Rows.Count(r => r.Live is not null)} live orders, {Rows.Count(r => r.Backtest is not null)} backtest orders, " +
        $"{Mismatches} mismatched (times, sides, quantities and statuses equal; prices within the live quote's spread)");
}

/// <summary>
/// Compares the orders a strategy sent live with those a backtest of the same spec and data sent, in order: each pair
/// must have the same symbol, time, side, quantity, status and filled quantity, and fill prices at most the live
/// quote's spread apart (ask − bid, plus 1e-9 of the price for the decimal conversion of double prices); an order
/// either side lacks is a mismatch.
/// </summary>
public static class OrderParity
{
    public static ParityReport Compare(IReadOnlyList<ParityOrder> live, IReadOnlyList<ParityOrder> backtest)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(backtest);
        var rows = new List<ParityRow>(Math.Max(live.Count, backtest.Count));
        for (var i = 0; i < Math.Max(live.Count, backtest.Count); i++)
        {
            var (l, b) = (i < live.Count ? live[i] : null, i < backtest.Count ? backtest[i] : null);
            rows.Add(new(i + 1, l, b, Mismatch(l, b)));
        }
        return new(rows);
    }

    private static string? Mismatch(ParityOrder? live, ParityOrder? backtest)
    {
        if (live is null) return "no live order";
        if (backtest is null) return "no backtest order";
        var problems = new List<string>();
        if (live.Symbol != backtest.Symbol) problems.Add("symbol");
        if (live.Time != backtest.Time) problems.Add("time");
        if (live.Side != backtest.Side) problems.Add("side");
        if (live.Quantity != backtest.Quantity) problems.Add("quantity");
        if (live.Status != backtest.Status) problems.Add("status");
        if (live.FilledQuantity != backtest.FilledQuantity) problems.Add("filled quantity");
        if (live.Price is { } p && backtest.Price is { } q)
        {
            var tolerance = (live.Spread ?? 0) + Math.Abs(p) * 1e-9m;
            if (Math.Abs(p - q) > tolerance)
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"price {p} vs {q} differs by {Math.Abs(p - q)}, more than the spread {live.Spread ?? 0}"));
        }
        else if (live.Price is not null || backtest.Price is not null) problems.Add("price");
        return problems.Count == 0 ? null : string.Join(", ", problems);
    }
}
