using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// SAR has an acceleration and a maximum rather than a period, so it does not derive from
/// <see cref="IndicatorSuite{T}"/> (whose name and period checks assume one); these are the same checks.
/// </summary>
public sealed class ParabolicSarTests
{
    private static void Update(ParabolicSar indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);

    private static void ShouldMatchReference(double actual, double expected, string what)
    {
        var tolerance = Math.Max(1e-12, Math.Abs(expected) * 1e-9);
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(tolerance, $"{what}: {actual:R} vs TA-Lib {expected:R}");
    }

    [Theory, MemberData(nameof(IndicatorSuite<ParabolicSar>.ReferenceSeries), MemberType = typeof(IndicatorSuite<ParabolicSar>))]
    public void Streaming_and_batch_values_match_talib(string pricesFile, string referenceFile)
    {
        var prices = PriceSeries.Load(pricesFile);
        var expected = PriceSeries.Reference(referenceFile, "SAR_0.02_0.2");
        expected.Length.ShouldBe(prices.Length);
        var batch = new double[prices.Length];
        new ParabolicSar(0.02, 0.2).Compute(prices.High, prices.Low, prices.Close, batch);
        var indicator = new ParabolicSar();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            var what = $"SAR on {pricesFile}, row {i}";
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
    [InlineData(0.02, 0.2, "SAR_0.02_0.2")]
    [InlineData(0.01, 0.1, "SAR_0.01_0.1")]
    [InlineData(0.025, 0.25, "SAR_0.025_0.25")]
    [InlineData(0.1, 0.1, "SAR_0.1_0.1")]
    public void Is_named_by_its_parameters_and_ready_on_the_second_bar(double acceleration, double maximum, string name)
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new ParabolicSar(acceleration, maximum);
        indicator.Name.ShouldBe(name);
        (indicator.Acceleration, indicator.Maximum).ShouldBe((acceleration, maximum));
        indicator.WarmUpPeriod.ShouldBe(2);
        for (var i = 0; i < 8; i++)
        {
            indicator.IsReady.ShouldBe(i >= 2, $"after {i} inputs");
            double.IsNaN(indicator.Value).ShouldBe(i < 2, $"after {i} inputs");
            Update(indicator, prices, i);
        }
    }

    [Fact]
    public void Trails_the_trend_and_reverses_at_the_extreme_point()
    {
        double[] high = [10, 11, 12, 9, 11.5, 11.8], low = [8, 9, 10, 8.1, 10, 9];
        var output = new double[6];
        new ParabolicSar(0.02, 0.2).Compute(high, low, new double[6], output);
        double.IsNaN(output[0]).ShouldBeTrue();
        output[1].ShouldBe(8);                   // long (+DM wins): the first bar's low
        output[2].ShouldBe(8 + 0.02 * 3, 1e-12); // EP 11, af 0.02
        output[3].ShouldBe(12);                  // the low 8.1 crosses 8.2176: reverse to the EP 12
        output[4].ShouldBe(12);                  // 12 + 0.02·(8.1 − 12) = 11.922, raised to the previous high 12
        output[5].ShouldBe(12 + 0.02 * (8.1 - 12), 1e-12);
    }

    [Theory]
    [InlineData(9.5, 7, 10.0)]  // −DM 1 > +DM −0.5: short, SAR = the first bar's high
    [InlineData(11, 9, 8.0)]    // +DM wins: long, SAR = the first bar's low
    [InlineData(9, 9, 8.0)]     // a tie (+DM = −DM = −1, an inside bar) is long
    [InlineData(11, 7, 11.0)]   // a tie (+DM = −DM = 1) is long, and its low crosses 8 at once: reversed to the EP 11 (short would give 7)
    public void Takes_its_initial_direction_from_the_first_two_bars(double high, double low, double firstSar)
    {
        var sar = new ParabolicSar();
        sar.Update(10, 8, 9);
        sar.Update(high, low, 9);
        sar.Value.ShouldBe(firstSar);
    }

    [Fact]
    public void Scales_with_the_prices()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        static double[] Scale(double[] values) => values.Select(v => v * 1e-7).ToArray();
        var (a, b) = (new double[prices.Length], new double[prices.Length]);
        new ParabolicSar(0.02, 0.2).Compute(prices.High, prices.Low, prices.Close, a);
        new ParabolicSar(0.02, 0.2).Compute(Scale(prices.High), Scale(prices.Low), Scale(prices.Close), b);
        for (var i = 1; i < prices.Length; i++) (b[i] * 1e7).ShouldBe(a[i], Math.Abs(a[i]) * 1e-9);
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("2006-day-001.txt");
        var fresh = new ParabolicSar();
        var reused = new ParabolicSar();
        for (var i = 0; i < 100; i++) Update(reused, prices, 150 + i);
        reused.Reset();
        reused.IsReady.ShouldBeFalse();
        double.IsNaN(reused.Value).ShouldBeTrue();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(fresh, prices, i);
            Update(reused, prices, i);
            reused.IsReady.ShouldBe(fresh.IsReady);
            reused.Value.ShouldBe(fresh.Value, $"SAR[{i}] after reset");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Flat_prices_and_random_series_give_finite_values_and_batch_equals_streaming(int seed)
    {
        foreach (var prices in new[] { PriceSeries.Flat(200, 1.085), PriceSeries.Random(1_000, seed) })
        {
            var batch = new double[prices.Length];
            new ParabolicSar(0.02, 0.2).Compute(prices.High, prices.Low, prices.Close, batch);
            var indicator = new ParabolicSar();
            for (var i = 0; i < prices.Length; i++)
            {
                Update(indicator, prices, i);
                batch[i].ShouldBe(indicator.Value);
                if (indicator.IsReady) double.IsFinite(indicator.Value).ShouldBeTrue($"SAR[{i}]");
            }
        }
        var flat = new ParabolicSar();
        for (var i = 0; i < 10; i++) flat.Update(1.085, 1.085, 1.085);
        flat.Value.ShouldBe(1.085);
    }

    [Theory]
    [InlineData(0.0, 0.2, "acceleration")]
    [InlineData(-0.02, 0.2, "acceleration")]
    [InlineData(double.NaN, 0.2, "acceleration")]
    [InlineData(double.PositiveInfinity, 0.2, "acceleration")]
    [InlineData(0.02, 0.01, "maximum")]
    [InlineData(0.02, double.NaN, "maximum")]
    [InlineData(0.02, double.PositiveInfinity, "maximum")]
    public void Invalid_parameters_are_refused_naming_the_parameter(double acceleration, double maximum, string parameter)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ParabolicSar(acceleration, maximum)).ParamName.ShouldBe(parameter);
        Should.Throw<ArgumentOutOfRangeException>(() => new ParabolicSar(acceleration, maximum).Compute(new double[3], new double[3], new double[3], new double[3]))
            .ParamName.ShouldBe(parameter);
    }

    [Fact]
    public void A_non_finite_input_is_refused_even_the_unused_close()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ParabolicSar().Update(double.NaN, 1, 1)).ParamName.ShouldBe("high");
        Should.Throw<ArgumentOutOfRangeException>(() => new ParabolicSar().Update(1, double.NegativeInfinity, 1)).ParamName.ShouldBe("low");
        Should.Throw<ArgumentOutOfRangeException>(() => new ParabolicSar().Update(1, 1, double.NaN)).ParamName.ShouldBe("close");
    }

    [Fact]
    public void Batch_output_shorter_than_the_input_is_refused()
    {
        var prices = PriceSeries.Flat(10, 1);
        Should.Throw<ArgumentException>(() => new ParabolicSar(0.02, 0.2).Compute(prices.High, prices.Low, prices.Close, new double[9])).ParamName.ShouldBe("output");
    }
}
