using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// TRANGE has no period, so it does not derive from <see cref="IndicatorSuite{T}"/> (whose name and period checks
/// assume one); these are the same checks without the period.
/// </summary>
public sealed class TrueRangeTests
{
    private static void Update(TrueRange indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);

    private static void ShouldMatchReference(double actual, double expected, string what)
    {
        var tolerance = Math.Max(1e-12, Math.Abs(expected) * 1e-9);
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(tolerance, $"{what}: {actual:R} vs TA-Lib {expected:R}");
    }

    [Theory, MemberData(nameof(IndicatorSuite<TrueRange>.ReferenceSeries), MemberType = typeof(IndicatorSuite<TrueRange>))]
    public void Streaming_and_batch_values_match_talib(string pricesFile, string referenceFile)
    {
        var prices = PriceSeries.Load(pricesFile);
        var expected = PriceSeries.Reference(referenceFile, "TRANGE");
        expected.Length.ShouldBe(prices.Length);
        var batch = new double[prices.Length];
        new TrueRange().Compute(prices.High, prices.Low, prices.Close, batch);
        var indicator = new TrueRange();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            var what = $"TRANGE on {pricesFile}, row {i}";
            if (double.IsNaN(expected[i]))
            {
                indicator.IsReady.ShouldBeFalse(what);
                double.IsNaN(indicator.Value).ShouldBeTrue(what);
            }
            else
            {
                indicator.IsReady.ShouldBeTrue(what);
                ShouldMatchReference(indicator.Value, expected[i], what);
            }
            batch[i].ShouldBe(indicator.Value, what);
        }
        Array.FindIndex(expected, v => !double.IsNaN(v)).ShouldBe(indicator.WarmUpPeriod - 1);
    }

    [Fact]
    public void Becomes_ready_exactly_at_its_warm_up_period()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new TrueRange();
        indicator.Name.ShouldBe("TRANGE");
        for (var i = 0; i < indicator.WarmUpPeriod + 5; i++)
        {
            indicator.IsReady.ShouldBe(i >= indicator.WarmUpPeriod, $"after {i} inputs");
            double.IsNaN(indicator.Value).ShouldBe(i < indicator.WarmUpPeriod, $"after {i} inputs");
            Update(indicator, prices, i);
        }
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("2006-day-001.txt");
        var fresh = new TrueRange();
        var reused = new TrueRange();
        for (var i = 0; i < 100; i++) Update(reused, prices, 150 + i);
        reused.Reset();
        reused.IsReady.ShouldBeFalse();
        double.IsNaN(reused.Value).ShouldBeTrue();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(fresh, prices, i);
            Update(reused, prices, i);
            reused.IsReady.ShouldBe(fresh.IsReady);
            reused.Value.ShouldBe(fresh.Value, $"TRANGE[{i}] after reset");
        }
    }

    [Fact]
    public void Flat_prices_give_zero()
    {
        var indicator = new TrueRange();
        for (var i = 0; i < 10; i++) indicator.Update(1.085, 1.085, 1.085);
        indicator.Value.ShouldBe(0);
    }

    [Fact]
    public void A_non_finite_input_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new TrueRange().Update(1, double.NaN, 1));
        Should.Throw<ArgumentOutOfRangeException>(() => new TrueRange().Update(double.PositiveInfinity, 1, 1));
    }

    [Fact]
    public void Batch_output_shorter_than_the_input_is_refused()
    {
        var prices = PriceSeries.Flat(10, 1);
        Should.Throw<ArgumentException>(() => new TrueRange().Compute(prices.High, prices.Low, prices.Close, new double[9])).ParamName.ShouldBe("output");
    }
}
