namespace AiTrading.Core.Strategies.Rules;

/// <summary>
/// How every rule comparison (<c>&lt; &lt;= &gt; &gt;= == !=</c>, <c>cross_above</c>, <c>cross_below</c>) orders two
/// numbers: as equal when they differ by at most <see cref="RelativeTolerance"/> of the larger magnitude, otherwise by
/// sign. Equal averages of decimal prices are rarely equal doubles (each mean is rounded on its own, so two equal means
/// can land an ulp or two apart), and the comparison must decide a tie as a tie, as exact arithmetic on the prices
/// would. The live strategy and both backtest engines compare through this one method.
/// <para>The tolerance sits between two scales. Far above rounding: SMA(10) and SMA(30) of a 200,000-bar random walk
/// of four-decimal prices are exactly equal on 567 bars, where the doubles differ by at most 2.0e-16 relative with
/// the compensated window sums of the indicators (1.6e-14 with plain running sums, whose drift grows with the series;
/// <c>CrossoverTieTests</c>). Far below real differences: two averages of prices on a tick grid differ by at least a
/// tick over the least common multiple of their periods, 1e-4/30 ≈ 3.3e-6 for SMA(10) and SMA(30) of four-decimal
/// prices, which is 3.3e-11 relative even on a price of 100,000 (2.5e-6 relative on the random walk near 1.2).
/// Only averages whose periods' least common multiple times the price in ticks exceeds 10¹² (periods 9,967 and 9,973
/// on a price of 10,000 ticks) could differ by less than the tolerance, and would count as equal. A comparison with 0 is exact (0 is the larger magnitude only when both
/// are 0), so <c>MACD_hist &gt; 0</c> is not widened.</para>
/// </summary>
public static class RuleComparison
{
    public const double RelativeTolerance = 1e-12;

    /// <summary>−1, 0 or 1 as <paramref name="a"/> is below, tied with or above <paramref name="b"/>.</summary>
    public static int Compare(double a, double b)
    {
        var difference = a - b;
        if (Math.Abs(difference) <= RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b))) return 0;
        return difference > 0 ? 1 : -1;
    }
}
