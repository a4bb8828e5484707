using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// ADOSC has two periods (fastPeriod, slowPeriod), so it does not derive from <see cref="IndicatorSuite{T}"/>
/// (whose checks name a single <c>period</c>); these are the same checks for both.
/// </summary>
public sealed class ChaikinOscillatorTests
{
    private static void Update(ChaikinOscillator indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index], prices.Volume[index]);

    private static void ShouldMatchReference(double actual, double expected, string what)
    {
        var tolerance = Math.Max(1e-12, Math.Abs(expected) * 1e-9);
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(tolerance, $"{what}: {actual:R} vs TA-Lib {expected:R}");
    }

    [Theory, MemberData(nameof(IndicatorSuite<ChaikinOscillator>.ReferenceSeries), MemberType = typeof(IndicatorSuite<ChaikinOscillator>))]
    public void Streaming_and_batch_values_match_talib(string pricesFile, string referenceFile)
    {
        var prices = PriceSeries.Load(pricesFile);
        var expected = PriceSeries.Reference(referenceFile, "ADOSC_3_10");
        expected.Length.ShouldBe(prices.Length);
        var batch = new double[prices.Length];
        new ChaikinOscillator(3, 10).Compute(prices.High, prices.Low, prices.Close, prices.Volume, batch);
        var indicator = new ChaikinOscillator();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            var what = $"ADOSC on {pricesFile}, row {i}";
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

    [Theory]
    [InlineData(3, 10, "ADOSC_3_10", 10)]
    [InlineData(1, 1, "ADOSC_1_1", 1)]
    [InlineData(2, 9, "ADOSC_2_9", 9)]
    [InlineData(5, 2, "ADOSC_5_2", 5)]
    public void Is_named_by_its_periods_and_ready_at_the_longer_one(int fast, int slow, string name, int warmUp)
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new ChaikinOscillator(fast, slow);
        indicator.Name.ShouldBe(name);
        (indicator.FastPeriod, indicator.SlowPeriod).ShouldBe((fast, slow));
        indicator.WarmUpPeriod.ShouldBe(warmUp);
        for (var i = 0; i < warmUp + 5; i++)
        {
            indicator.IsReady.ShouldBe(i >= warmUp, $"after {i} inputs");
            double.IsNaN(indicator.Value).ShouldBe(i < warmUp, $"after {i} inputs");
            Update(indicator, prices, i);
        }
    }

    [Fact]
    public void Is_the_difference_of_two_emas_of_the_ad_line_seeded_with_its_first_value()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var n = 300;
        var ad = new double[n];
        new AccumulationDistribution().Compute(prices.High.AsSpan(0, n), prices.Low.AsSpan(0, n), prices.Close.AsSpan(0, n), prices.Volume.AsSpan(0, n), ad);
        var output = new double[n];
        new ChaikinOscillator(4, 7).Compute(prices.High.AsSpan(0, n), prices.Low.AsSpan(0, n), prices.Close.AsSpan(0, n), prices.Volume.AsSpan(0, n), output);
        double fast = ad[0], slow = ad[0];
        for (var i = 1; i < n; i++)
        {
            fast += 2.0 / 5 * (ad[i] - fast);
            slow += 2.0 / 8 * (ad[i] - slow);
            if (i < 6) double.IsNaN(output[i]).ShouldBeTrue();
            else output[i].ShouldBe(fast - slow, Math.Abs(ad[i]) * 1e-12 + 1e-6);
        }
    }

    [Fact]
    public void Flat_prices_or_zero_volume_give_zero()
    {
        var flat = new ChaikinOscillator();
        for (var i = 0; i < 20; i++) flat.Update(2, 2, 2, 1_000);
        flat.Value.ShouldBe(0);
        var noVolume = new ChaikinOscillator();
        for (var i = 0; i < 20; i++) noVolume.Update(3 + i, 1 + i, 2.5 + i, 0);
        noVolume.Value.ShouldBe(0);
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var fresh = new ChaikinOscillator();
        var reused = new ChaikinOscillator();
        for (var i = 0; i < 100; i++) Update(reused, prices, 150 + i);
        reused.Reset();
        reused.IsReady.ShouldBeFalse();
        double.IsNaN(reused.Value).ShouldBeTrue();
        for (var i = 0; i < 500; i++)
        {
            Update(fresh, prices, i);
            Update(reused, prices, i);
            reused.IsReady.ShouldBe(fresh.IsReady);
            reused.Value.ShouldBe(fresh.Value, $"ADOSC[{i}] after reset");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Batch_equals_streaming_on_random_series_with_flat_stretches_and_zero_volume(int seed)
    {
        var prices = PriceSeries.Random(1_000, seed);
        var batch = new double[prices.Length];
        new ChaikinOscillator(3, 10).Compute(prices.High, prices.Low, prices.Close, prices.Volume, batch);
        var indicator = new ChaikinOscillator();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            batch[i].ShouldBe(indicator.Value);
            if (indicator.IsReady) double.IsFinite(indicator.Value).ShouldBeTrue();
        }
    }

    [Theory]
    [InlineData(0, 10, "fastPeriod")]
    [InlineData(-3, 10, "fastPeriod")]
    [InlineData(3, 0, "slowPeriod")]
    [InlineData(3, -1, "slowPeriod")]
    public void A_non_positive_period_is_refused_naming_the_parameter(int fast, int slow, string parameter)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ChaikinOscillator(fast, slow)).ParamName.ShouldBe(parameter);
        var prices = PriceSeries.Flat(5, 1);
        Should.Throw<ArgumentOutOfRangeException>(() => new ChaikinOscillator(fast, slow).Compute(prices.High, prices.Low, prices.Close, prices.Volume, new double[5]))
            .ParamName.ShouldBe(parameter);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void A_negative_or_non_finite_volume_is_refused(double volume) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new ChaikinOscillator().Update(2, 1, 1.5, volume)).ParamName.ShouldBe("volume");

    [Fact]
    public void A_non_finite_price_is_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new ChaikinOscillator().Update(2, double.NaN, 1.5, 1)).ParamName.ShouldBe("low");

    [Fact]
    public void Batch_output_shorter_than_the_input_is_refused()
    {
        var prices = PriceSeries.Flat(10, 1);
        Should.Throw<ArgumentException>(() => new ChaikinOscillator(3, 10).Compute(prices.High, prices.Low, prices.Close, prices.Volume, new double[9])).ParamName.ShouldBe("output");
    }
}
