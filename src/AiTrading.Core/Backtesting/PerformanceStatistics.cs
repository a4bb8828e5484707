namespace AiTrading.Core.Backtesting;

/// <summary>
/// The statistics of <see cref="BacktestStatistics"/> from an equity curve (one value per bar, after its close), the
/// initial cash and the closed trades' P&amp;L:
/// <list type="bullet">
/// <item>returns rₖ = eₖ/eₖ₋₁ − 1 with e₋₁ the initial cash; years = (last bar time − first bar time) / 365.25 days;
/// periods per year = (bars − 1) / years unless given;</item>
/// <item>total return e_last/cash − 1; CAGR (e_last/cash)^(1/years) − 1;</item>
/// <item>annualised volatility = sample standard deviation of r × √periods; Sharpe = mean(r − rf)/sd(r) × √periods;
/// Sortino = mean(r − rf) / √(Σ min(r − rf, 0)² / n) × √periods, with rf the annual risk-free rate / periods;</item>
/// <item>max drawdown = max (peak − e)/peak, the peak starting at the cash; its duration runs from the peak to the first
/// bar back at or above it (or the last bar); Calmar = CAGR / max drawdown;</item>
/// <item>win rate = trades with P&amp;L &gt; 0 / trades; profit factor = Σ gains / −Σ losses; expectancy = mean P&amp;L;
/// exposure = bars ending with a position / bars.</item>
/// </list>
/// </summary>
public static class PerformanceStatistics
{
    public static BacktestStatistics Compute(ReadOnlySpan<long> times, ReadOnlySpan<double> equity, double initialCash,
        IReadOnlyList<decimal> tradePnl, int barsExposed, double? periodsPerYear = null, double riskFreeRate = 0)
    {
        if (times.Length != equity.Length) throw new ArgumentException("one time per equity value", nameof(times));
        var n = equity.Length;
        if (n == 0) throw new ArgumentException("the equity curve is empty", nameof(equity));
        if (!(initialCash > 0)) throw new ArgumentOutOfRangeException(nameof(initialCash), initialCash, "must be positive");

        var years = (times[n - 1] - times[0]) / (TimeSpan.TicksPerDay * 365.25);
        var periods = periodsPerYear ?? (years > 0 && n > 1 ? (n - 1) / years : 0);
        var rf = periods > 0 ? riskFreeRate / periods : 0;

        double sum = 0, previous = initialCash;
        for (var i = 0; i < n; i++)
        {
            sum += equity[i] / previous - 1 - rf;
            previous = equity[i];
        }
        var mean = sum / n;
        double squares = 0, downside = 0;
        previous = initialCash;
        for (var i = 0; i < n; i++)
        {
            var excess = equity[i] / previous - 1 - rf;
            squares += (excess - mean) * (excess - mean);
            if (excess < 0) downside += excess * excess;
            previous = equity[i];
        }
        var sd = n > 1 ? Math.Sqrt(squares / (n - 1)) : 0;
        var downsideDeviation = Math.Sqrt(downside / n);
        var root = Math.Sqrt(periods);

        var totalReturn = equity[n - 1] / initialCash - 1;
        double? cagr = years > 0 && equity[n - 1] > 0 ? Math.Pow(equity[n - 1] / initialCash, 1 / years) - 1 : null;

        var (maxDrawdown, longestTicks, longestBars) = Drawdown(times, equity, initialCash);

        int wins = 0;
        decimal gains = 0, losses = 0, total = 0;
        foreach (var pnl in tradePnl)
        {
            total += pnl;
            if (pnl > 0) { wins++; gains += pnl; }
            else losses -= pnl;
        }
        var trades = tradePnl.Count;

        return new BacktestStatistics(
            TotalReturn: totalReturn,
            Cagr: cagr,
            AnnualizedVolatility: periods > 0 && n > 1 ? sd * root : null,
            Sharpe: periods > 0 && sd > 0 ? mean / sd * root : null,
            Sortino: periods > 0 && downsideDeviation > 0 ? mean / downsideDeviation * root : null,
            MaxDrawdown: maxDrawdown,
            MaxDrawdownDuration: TimeSpan.FromTicks(longestTicks),
            MaxDrawdownBars: longestBars,
            Calmar: cagr is { } c && maxDrawdown > 0 ? c / maxDrawdown : null,
            WinRate: trades > 0 ? (double)wins / trades : null,
            ProfitFactor: losses > 0 ? (double)(gains / losses) : null,
            Expectancy: trades > 0 ? (double)(total / trades) : null,
            Exposure: (double)barsExposed / n,
            Trades: trades,
            PeriodsPerYear: periods);
    }

    private static (double Max, long LongestTicks, int LongestBars) Drawdown(ReadOnlySpan<long> times, ReadOnlySpan<double> equity, double initialCash)
    {
        double peak = initialCash, max = 0;
        long peakTime = times[0], longestTicks = 0;
        int peakIndex = 0, longestBars = 0;
        var under = false;
        for (var i = 0; i < equity.Length; i++)
        {
            if (equity[i] >= peak)
            {
                if (under) Longest(times[i] - peakTime, i - peakIndex);
                (peak, peakTime, peakIndex, under) = (equity[i], times[i], i, false);
                continue;
            }
            under = true;
            max = Math.Max(max, (peak - equity[i]) / peak);
        }
        if (under) Longest(times[^1] - peakTime, equity.Length - 1 - peakIndex);
        return (max, longestTicks, longestBars);

        void Longest(long ticks, int bars)
        {
            if (ticks > longestTicks || (ticks == longestTicks && bars > longestBars)) (longestTicks, longestBars) = (ticks, bars);
        }
    }
}
