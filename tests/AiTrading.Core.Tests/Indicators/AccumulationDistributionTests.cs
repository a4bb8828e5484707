using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// AD has no period, so it does not derive from <see cref="IndicatorSuite{T}"/> (whose name and period checks
/// assume one); these are the same checks without the period.
/// </summary>
public sealed class AccumulationDistributionTests
{
    private static void Update(AccumulationDistribution indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index], prices.Volume[index]);

    private static void ShouldMatchReference(double actual, double expected, string what)
    {
        var tolerance = Math.Max(1e-12, Math.Abs(expected) * 1e-9);
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(tolerance, $"{what}: {actual:R} vs TA-Lib {expected:R}");
    }

    [Theory, MemberData(nameof(IndicatorSuite<AccumulationDistribution>.ReferenceSeries), MemberType = typeof(IndicatorSuite<AccumulationDistribution>))]
    public void Streaming_and_batch_values_match_talib(string pricesFile, string referenceFile)
    {
        var prices = PriceSeries.Load(pricesFile);
        var expected = PriceSeries.Reference(referenceFile, "AD");
        expected.Length.ShouldBe(prices.Length);
        var batch = new double[prices.Length];
        new AccumulationDistribution().Compute(prices.High, prices.Low, prices.Close, prices.Volume, batch);
        var indicator = new AccumulationDistribution();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            var what = $"AD on {pricesFile}, row {i}";
            indicator.IsReady.ShouldBeTrue(what);
            ShouldMatchReference(indicator.Value, expected[i], what);
            batch[i].ShouldBe(indicator.Value, what);
        }
        Array.FindIndex(expected, v => !double.IsNaN(v)).ShouldBe(indicator.WarmUpPeriod - 1);
    }

    [Fact]
    public void Accumulates_the_close_location_times_the_volume()
    {
        double[] high = [12, 12, 12, 10], low = [10, 10, 10, 10], close = [12, 11, 10.5, 10], volume = [100, 50, 40, 1_000];
        var output = new double[4];
        new AccumulationDistribution().Compute(high, low, close, volume, output);
        // +1·100, 0·50, −0.5·40, then a bar without range adds nothing.
        output.ShouldBe([100, 100, 80, 80]);
    }

    [Fact]
    public void Is_named_ad_and_ready_on_the_first_bar()
    {
        var indicator = new AccumulationDistribution();
        indicator.Name.ShouldBe("AD");
        indicator.WarmUpPeriod.ShouldBe(1);
        indicator.IsReady.ShouldBeFalse();
        double.IsNaN(indicator.Value).ShouldBeTrue();
        indicator.Update(2, 2, 2, 1_000); // no range: adds nothing
        indicator.IsReady.ShouldBeTrue();
        indicator.Value.ShouldBe(0);
    }

    [Fact]
    public void Scales_with_the_volume_and_not_with_the_prices()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        static double[] Scale(double[] values, double factor) => values.Select(v => v * factor).ToArray();
        var (a, b) = (new double[prices.Length], new double[prices.Length]);
        new AccumulationDistribution().Compute(prices.High, prices.Low, prices.Close, prices.Volume, a);
        new AccumulationDistribution().Compute(Scale(prices.High, 1e-7), Scale(prices.Low, 1e-7), Scale(prices.Close, 1e-7), Scale(prices.Volume, 1e-3), b);
        var largest = a.Max(Math.Abs);
        for (var i = 0; i < prices.Length; i++) (b[i] * 1e3).ShouldBe(a[i], largest * 1e-9);
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var fresh = new AccumulationDistribution();
        var reused = new AccumulationDistribution();
        for (var i = 0; i < 100; i++) Update(reused, prices, 150 + i);
        reused.Reset();
        reused.IsReady.ShouldBeFalse();
        double.IsNaN(reused.Value).ShouldBeTrue();
        for (var i = 0; i < 500; i++)
        {
            Update(fresh, prices, i);
            Update(reused, prices, i);
            reused.Value.ShouldBe(fresh.Value, $"AD[{i}] after reset");
        }
    }

    [Fact]
    public void Batch_equals_streaming_on_random_series_with_flat_stretches_and_zero_volume()
    {
        var prices = PriceSeries.Random(1_000, 2);
        var batch = new double[prices.Length];
        new AccumulationDistribution().Compute(prices.High, prices.Low, prices.Close, prices.Volume, batch);
        var indicator = new AccumulationDistribution();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            batch[i].ShouldBe(indicator.Value);
            double.IsFinite(indicator.Value).ShouldBeTrue();
        }
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void A_negative_or_non_finite_volume_is_refused(double volume) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new AccumulationDistribution().Update(2, 1, 1.5, volume)).ParamName.ShouldBe("volume");

    [Fact]
    public void A_non_finite_price_is_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new AccumulationDistribution().Update(double.PositiveInfinity, 1, 1, 1)).ParamName.ShouldBe("high");

    [Fact]
    public void Short_outputs_and_spans_of_different_lengths_are_refused()
    {
        var prices = PriceSeries.Flat(10, 1);
        Should.Throw<ArgumentException>(() => new AccumulationDistribution().Compute(prices.High, prices.Low, prices.Close, prices.Volume, new double[9])).ParamName.ShouldBe("output");
        Should.Throw<ArgumentException>(() => new AccumulationDistribution().Compute(prices.High, new double[9], prices.Close, prices.Volume, new double[10]));
    }
}
