using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// OBV has no period, so it does not derive from <see cref="IndicatorSuite{T}"/> (whose name and period checks
/// assume one); these are the same checks without the period.
/// </summary>
public sealed class OnBalanceVolumeTests
{
    private static void Update(OnBalanceVolume indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index], prices.Volume[index]);

    private static void ShouldMatchReference(double actual, double expected, string what)
    {
        var tolerance = Math.Max(1e-12, Math.Abs(expected) * 1e-9);
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(tolerance, $"{what}: {actual:R} vs TA-Lib {expected:R}");
    }

    [Theory, MemberData(nameof(IndicatorSuite<OnBalanceVolume>.ReferenceSeries), MemberType = typeof(IndicatorSuite<OnBalanceVolume>))]
    public void Streaming_and_batch_values_match_talib(string pricesFile, string referenceFile)
    {
        var prices = PriceSeries.Load(pricesFile);
        var expected = PriceSeries.Reference(referenceFile, "OBV");
        expected.Length.ShouldBe(prices.Length);
        var batch = new double[prices.Length];
        new OnBalanceVolume().Compute(prices.High, prices.Low, prices.Close, prices.Volume, batch);
        var indicator = new OnBalanceVolume();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            var what = $"OBV on {pricesFile}, row {i}";
            indicator.IsReady.ShouldBeTrue(what);
            ShouldMatchReference(indicator.Value, expected[i], what);
            batch[i].ShouldBe(indicator.Value, what);
        }
        Array.FindIndex(expected, v => !double.IsNaN(v)).ShouldBe(indicator.WarmUpPeriod - 1);
    }

    [Fact]
    public void Adds_the_volume_of_up_closes_and_subtracts_that_of_down_closes()
    {
        double[] close = [10, 11, 11, 9, 12], volume = [100, 20, 30, 5, 7];
        var output = new double[5];
        new OnBalanceVolume().Compute(close, close, close, volume, output);
        output.ShouldBe([100, 120, 120, 115, 122]);
    }

    [Fact]
    public void Is_named_obv_and_ready_on_the_first_bar()
    {
        var indicator = new OnBalanceVolume();
        indicator.Name.ShouldBe("OBV");
        indicator.WarmUpPeriod.ShouldBe(1);
        indicator.IsReady.ShouldBeFalse();
        double.IsNaN(indicator.Value).ShouldBeTrue();
        indicator.Update(1, 1, 1, 0);
        indicator.IsReady.ShouldBeTrue();
        indicator.Value.ShouldBe(0);
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var fresh = new OnBalanceVolume();
        var reused = new OnBalanceVolume();
        for (var i = 0; i < 100; i++) Update(reused, prices, 150 + i);
        reused.Reset();
        reused.IsReady.ShouldBeFalse();
        double.IsNaN(reused.Value).ShouldBeTrue();
        for (var i = 0; i < 500; i++)
        {
            Update(fresh, prices, i);
            Update(reused, prices, i);
            reused.Value.ShouldBe(fresh.Value, $"OBV[{i}] after reset");
        }
    }

    [Fact]
    public void Batch_equals_streaming_on_random_series_with_flat_stretches_and_zero_volume()
    {
        var prices = PriceSeries.Random(1_000, 1);
        var batch = new double[prices.Length];
        new OnBalanceVolume().Compute(prices.High, prices.Low, prices.Close, prices.Volume, batch);
        var indicator = new OnBalanceVolume();
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
    [InlineData(double.PositiveInfinity)]
    public void A_negative_or_non_finite_volume_is_refused(double volume) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new OnBalanceVolume().Update(2, 1, 1.5, volume)).ParamName.ShouldBe("volume");

    [Fact]
    public void A_non_finite_price_is_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new OnBalanceVolume().Update(1, 1, double.NaN, 1)).ParamName.ShouldBe("close");

    [Fact]
    public void Short_outputs_and_spans_of_different_lengths_are_refused()
    {
        var prices = PriceSeries.Flat(10, 1);
        Should.Throw<ArgumentException>(() => new OnBalanceVolume().Compute(prices.High, prices.Low, prices.Close, prices.Volume, new double[9])).ParamName.ShouldBe("output");
        Should.Throw<ArgumentException>(() => new OnBalanceVolume().Compute(prices.High, prices.Low, prices.Close, new double[9], new double[10]));
    }
}
