namespace AiTrading.Core.Strategies.Rules;

/// <summary>
/// How every rule comparison (<c>&lt; &lt;= &gt; &gt;= == !=</c>, <c>cross_above</c>, <c>cross_below</c>) orders two
/// numbers: as equal when they differ by at most <see cref="RelativeTolerance"/> of the larger magnitude, otherwise by
/// sign. Equal averages of decimal prices are rarely equal doubles (each mean is rounded on its own, so two equal means
/// can land an ulp or two apart), and the comparison must decide a tie as a tie, as exact arithmetic on the prices
/// would. The live strategy and both backtest engines compare through this one method.
/// <para>The tolerance sits between two measured scales. Above it by about three orders of magnitude: the gap between
/// two doubles whose exact values are equal (SMA(10) and SMA(30) of four-decimal prices, compensated window sums: at
/// most 2.2e-16 relative over 200,000 bars; a plain running sum drifted to 1e-14 on the same series). Below it by
/// more than an order of magnitude: the smallest real difference of such averages, one tick over the least common
/// multiple of the periods, e.g. 1e-4/30 ≈ 3.3e-6 on a price of 100,000 is 3.3e-11 relative. A comparison with 0
/// is exact (0 is the larger magnitude only when both are 0), so <c>MACD_hist &gt; 0</c> is not widened.</para>
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
