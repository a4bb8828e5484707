using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>The suite's period p maps to ULTOSC(p, 2p, 4p): 7 gives the reference ULTOSC(7, 14, 28).</summary>
public sealed class UltimateOscillatorTests : IndicatorSuite<UltimateOscillator>
{
    protected override string Column => "ULTOSC_7_14_28";
    protected override int Period => 7;
    protected override UltimateOscillator Create(int period) => new(SuitePeriod.Checked(period), 2 * period, 4 * period);
    protected override string NameFor(int period) => $"ULTOSC_{period}_{2 * period}_{4 * period}";
    protected override void Update(UltimateOscillator indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) =>
        new UltimateOscillator(SuitePeriod.Checked(period), 2 * period, 4 * period).Compute(prices.High, prices.Low, prices.Close, output);

    /// <summary>Each window summed afresh; a window without any true range adds nothing.</summary>
    private static double[] Naive(PriceSeries prices, int shortest, int middle, int longest)
    {
        var output = new double[prices.Length];
        Array.Fill(output, double.NaN);
        double Ratio(int bar, int period)
        {
            double pressure = 0, range = 0;
            for (var i = bar - period + 1; i <= bar; i++)
            {
                pressure += prices.Close[i] - Math.Min(prices.Low[i], prices.Close[i - 1]);
                range += Math.Max(prices.High[i], prices.Close[i - 1]) - Math.Min(prices.Low[i], prices.Close[i - 1]);
            }
            return range == 0 ? 0 : pressure / range;
        }
        for (var bar = longest; bar < prices.Length; bar++)
            output[bar] = 100 * (4 * Ratio(bar, shortest) + 2 * Ratio(bar, middle) + Ratio(bar, longest)) / 7;
        return output;
    }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(2, 2, 5)]
    [InlineData(7, 14, 28)]
    public void Matches_a_naive_recomputation_of_each_window_including_flat_stretches(int shortest, int middle, int longest)
    {
        foreach (var prices in new[] { PriceSeries.Random(1_000, 11), PriceSeries.Load("orcl-1995-2014.txt") })
        {
            var expected = Naive(prices, shortest, middle, longest);
            var output = new double[prices.Length];
            new UltimateOscillator(shortest, middle, longest).Compute(prices.High, prices.Low, prices.Close, output);
            for (var i = 0; i < prices.Length; i++)
            {
                if (double.IsNaN(expected[i])) double.IsNaN(output[i]).ShouldBeTrue();
                else output[i].ShouldBe(expected[i], 1e-9, $"bar {i}");
            }
        }
    }

    [Fact]
    public void Weighs_the_periods_by_length_in_any_order_like_talib()
    {
        var prices = PriceSeries.Load("2006-day-001.txt");
        var (a, b) = (new double[prices.Length], new double[prices.Length]);
        new UltimateOscillator(7, 14, 28).Compute(prices.High, prices.Low, prices.Close, a);
        new UltimateOscillator(28, 7, 14).Compute(prices.High, prices.Low, prices.Close, b);
        b.ShouldBe(a);
        var shuffled = new UltimateOscillator(28, 7, 14);
        (shuffled.Name, shuffled.Period1, shuffled.Period2, shuffled.Period3, shuffled.WarmUpPeriod).ShouldBe(("ULTOSC_28_7_14", 28, 7, 14, 29));
    }

    [Fact]
    public void Flat_prices_give_zero_and_a_long_flat_stretch_drops_the_rounding_residue()
    {
        var flat = new UltimateOscillator(2, 3, 4);
        for (var i = 0; i < 10; i++) flat.Update(2, 2, 2);
        flat.Value.ShouldBe(0);

        // After real moves, a flat stretch longer than every window: every window is empty, so exactly 0.
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var ultosc = new UltimateOscillator(2, 3, 4);
        for (var i = 0; i < 300; i++) Update(ultosc, prices, i);
        var last = prices.Close[299];
        for (var i = 0; i < 4; i++) ultosc.Update(last, last, last);
        ultosc.Value.ShouldBe(0);
        // Three flat bars: only the longest window still holds a move, the others add nothing.
        var partial = new UltimateOscillator(2, 3, 4);
        for (var i = 0; i < 300; i++) Update(partial, prices, i);
        for (var i = 0; i < 3; i++) partial.Update(last, last, last);
        var range = Math.Max(prices.High[299], prices.Close[298]) - Math.Min(prices.Low[299], prices.Close[298]);
        partial.Value.ShouldBe(100 * ((last - Math.Min(prices.Low[299], prices.Close[298])) / range) / 7, 1e-9);
    }

    [Fact]
    public void Does_not_depend_on_the_price_scale()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        static double[] Scale(double[] values) => values.Select(v => v * 1e-7).ToArray();
        var (a, b) = (new double[prices.Length], new double[prices.Length]);
        new UltimateOscillator(7, 14, 28).Compute(prices.High, prices.Low, prices.Close, a);
        new UltimateOscillator(7, 14, 28).Compute(Scale(prices.High), Scale(prices.Low), Scale(prices.Close), b);
        for (var i = 28; i < prices.Length; i++) b[i].ShouldBe(a[i], 1e-6);
    }

    [Theory]
    [InlineData(0, 14, 28, "period1")]
    [InlineData(7, -1, 28, "period2")]
    [InlineData(7, 14, 0, "period3")]
    public void A_non_positive_period_is_refused_naming_each_parameter(int period1, int period2, int period3, string parameter)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new UltimateOscillator(period1, period2, period3)).ParamName.ShouldBe(parameter);
        Should.Throw<ArgumentOutOfRangeException>(() => new UltimateOscillator(period1, period2, period3).Compute(new double[5], new double[5], new double[5], new double[5]))
            .ParamName.ShouldBe(parameter);
    }

    [Fact]
    public void Updates_do_not_allocate()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new UltimateOscillator();
        var i = 0;
        indicator.Update(prices.High[i], prices.Low[i], prices.Close[i]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (i = 1; i < prices.Length; i++) indicator.Update(prices.High[i], prices.Low[i], prices.Close[i]);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
