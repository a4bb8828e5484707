using System.Globalization;

namespace AiTrading.Core.Tests.Backtesting;

/// <summary>
/// The trades of a long-only SMA(fast)/SMA(slow) crossover with next-open fills, computed from the definitions alone
/// (no engine), in exact decimal arithmetic on the prices as written: SMA(n) at bar t is the mean of the closes
/// t−n+1..t; a cross above at t needs both averages at t−1 with fast ≤ slow there and fast &gt; slow at t (a cross below
/// mirrors it); the order fills at the open of t+1. The means are compared through each window's sum times the other
/// period, so no division rounds a tie apart.
/// </summary>
public static class SmaCrossReference
{
    public sealed record Trade(DateTimeOffset EntryTime, decimal EntryPrice, DateTimeOffset? ExitTime, decimal? ExitPrice);

    public static (IReadOnlyList<Trade> Trades, decimal FinalEquity) Run(string path, int fast, int slow, decimal cash = 100_000m, decimal quantity = 1)
    {
        var rows = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        var dates = rows.Select(c => DateTimeOffset.Parse(c[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)).ToArray();
        var open = rows.Select(c => decimal.Parse(c[1], CultureInfo.InvariantCulture)).ToArray();
        var close = rows.Select(c => decimal.Parse(c[4], CultureInfo.InvariantCulture)).ToArray();
        decimal Sum(int end, int period) => close.Skip(end - period + 1).Take(period).Sum();
        // fast − slow, scaled by fast·slow: the sign of the difference of the two means, exactly.
        decimal Spread(int end) => Sum(end, fast) * slow - Sum(end, slow) * fast;

        var trades = new List<Trade>();
        (DateTimeOffset Time, decimal Price)? entry = null;
        var equity = cash;
        for (var t = Math.Max(fast, slow); t < close.Length - 1; t++)
        {
            var (before, now) = (Spread(t - 1), Spread(t));
            if (entry is null && before <= 0 && now > 0) entry = (dates[t + 1], open[t + 1]);
            else if (entry is { } e && before >= 0 && now < 0)
            {
                trades.Add(new(e.Time, e.Price, dates[t + 1], open[t + 1]));
                equity += (open[t + 1] - e.Price) * quantity;
                entry = null;
            }
        }
        if (entry is { } last)
        {
            trades.Add(new(last.Time, last.Price, null, null));
            equity += (close[^1] - last.Price) * quantity;
        }
        return (trades, equity);
    }
}
