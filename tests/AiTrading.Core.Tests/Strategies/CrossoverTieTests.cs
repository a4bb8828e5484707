using System.Globalization;
using AiTrading.Connectors.Backtesting;
using AiTrading.Core.Backtesting;
using AiTrading.Core.Indicators;
using AiTrading.Core.Strategies.Rules;
using AiTrading.Core.Tests.Backtesting;

namespace AiTrading.Core.Tests.Strategies;

/// <summary>
/// Rule comparisons of two averages decide as exact decimal arithmetic on the prices would: a tie is neither above
/// nor below, so a crossover does not fire on the bar where the averages only meet.
/// </summary>
public sealed class CrossoverTieTests
{
    private static readonly RuleScope Scope = new RuleScope().Add("fast").Add("slow");

    [Fact]
    public void Sma_10_30_crosses_and_comparisons_on_200000_minute_bars_match_decimal_arithmetic_ties_included()
    {
        // A seeded random walk in whole ticks of 0.0001 around 1.2, as FX minute bars are quoted.
        var random = new Random(14);
        var closes = new decimal[200_000];
        var ticks = 12_000L;
        for (var i = 0; i < closes.Length; i++)
        {
            ticks = Math.Max(1, ticks + random.Next(-3, 4));
            closes[i] = ticks / 10_000m;
        }

        // sign(SMA10 − SMA30) exactly: 3·sum10 − sum30 has the sign of 30·(SMA10 − SMA30).
        var exact = new int[closes.Length];
        decimal sum10 = 0, sum30 = 0;
        for (var t = 0; t < closes.Length; t++)
        {
            sum10 += closes[t] - (t >= 10 ? closes[t - 10] : 0);
            sum30 += closes[t] - (t >= 30 ? closes[t - 30] : 0);
            exact[t] = Math.Sign(3 * sum10 - sum30);
        }

        var rules = new[] { "cross_above(fast, slow)", "cross_below(fast, slow)", "fast > slow", "fast < slow", "fast == slow" }
            .Select(r => CompiledRule.Compile(r, Scope)).ToArray();
        var fired = rules.Select(_ => new List<int>()).ToArray();
        var (fast, slow) = (new Sma(10), new Sma(30));
        double largestTieGap = 0, smallestRealGap = double.MaxValue;
        var inputs = new double[2];
        for (var t = 0; t < closes.Length; t++)
        {
            var close = double.Parse(closes[t].ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            fast.Update(close);
            slow.Update(close);
            (inputs[0], inputs[1]) = (fast.Value, slow.Value);
            for (var r = 0; r < rules.Length; r++)
                if (rules[r].Evaluate(inputs)) fired[r].Add(t);
            if (!slow.IsReady) continue;
            var gap = Math.Abs(fast.Value - slow.Value) / Math.Max(fast.Value, slow.Value);
            if (exact[t] == 0) largestTieGap = Math.Max(largestTieGap, gap);
            else smallestRealGap = Math.Min(smallestRealGap, gap);
        }

        var ready = Enumerable.Range(29, closes.Length - 29).ToArray();
        var crossedUp = ready.Skip(1).Where(t => exact[t - 1] <= 0 && exact[t] > 0).ToList();
        var crossedDown = ready.Skip(1).Where(t => exact[t - 1] >= 0 && exact[t] < 0).ToList();
        var ties = ready.Where(t => exact[t] == 0).ToList();
        // Ties reached from below and from above, the two ways a rounded tie can fake a cross.
        ties.Count(t => exact[t - 1] < 0).ShouldBeGreaterThan(0);
        ties.Count(t => exact[t - 1] > 0).ShouldBeGreaterThan(0);

        ShouldFireExactlyAt(fired[0], crossedUp, "cross_above");
        ShouldFireExactlyAt(fired[1], crossedDown, "cross_below");
        ShouldFireExactlyAt(fired[2], ready.Where(t => exact[t] > 0).ToList(), ">");
        ShouldFireExactlyAt(fired[3], ready.Where(t => exact[t] < 0).ToList(), "<");
        ShouldFireExactlyAt(fired[4], ties, "==");
        // The tolerance is far from both scales: rounding at a tie and the smallest real difference.
        largestTieGap.ShouldBeLessThan(RuleComparison.RelativeTolerance / 1000);
        smallestRealGap.ShouldBeGreaterThan(RuleComparison.RelativeTolerance * 1000);
    }

    private static void ShouldFireExactlyAt(List<int> fired, List<int> expected, string rule)
    {
        fired.Except(expected).Take(5).ShouldBeEmpty($"{rule} fired on bars where decimal arithmetic says it does not hold");
        expected.Except(fired).Take(5).ShouldBeEmpty($"{rule} did not fire on bars where decimal arithmetic says it holds");
        fired.Count.ShouldBe(expected.Count, rule);
    }

    [Fact]
    public void Sma_cross_on_orcl_buys_after_the_real_cross_of_2004_07_not_the_tie_of_2004_06_29_in_both_engines()
    {
        var orcl = BacktestDataFile.Load(SharedData.File("orcl-1995-2014.txt"), "INDEX");
        var (expected, _) = SmaCrossReference.Run(SharedData.File("orcl-1995-2014.txt"), 10, 30);
        var spec = BacktesterTests.SmaCross();

        var events = Backtester.Run(spec, [orcl], new BacktestOptions());
        var vectorized = new VectorizedBacktest(orcl, new BacktestOptions()).Run(spec);

        foreach (var (engine, result) in new[] { ("event-driven", events), ("vectorized", vectorized) })
        {
            var around = result.Trades.Where(t => t.EntryTime >= new DateTimeOffset(2004, 6, 28, 0, 0, 0, TimeSpan.Zero)
                                                && t.EntryTime <= new DateTimeOffset(2004, 7, 2, 0, 0, 0, TimeSpan.Zero)).ToList();
            around.Select(t => (t.EntryTime, t.EntryPrice)).ShouldBe([(new DateTimeOffset(2004, 7, 1, 0, 0, 0, TimeSpan.Zero), 11.85m)], engine);
            result.Trades.Select(t => new SmaCrossReference.Trade(t.EntryTime, t.EntryPrice, t.ExitTime, t.ExitPrice)).ShouldBe(expected, engine);
        }
    }
}
