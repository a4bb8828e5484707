using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>The suite's period p maps to STOCH(p, min(p, 3), min(p, 3)): 14 gives the reference STOCH(14, 3, 3).</summary>
public abstract class StochasticSuite : IndicatorSuite<Stochastic>
{
    protected override int Period => 14;
    protected override Stochastic Create(int period) => new(SuitePeriod.Checked(period), Math.Min(period, 3), Math.Min(period, 3));
    protected override string NameFor(int period) => $"STOCHK_{period}_{Math.Min(period, 3)}_{Math.Min(period, 3)}";
    protected override void Update(Stochastic indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);

    protected static void Compute(PriceSeries prices, Span<double> output, int period, bool d)
    {
        var other = new double[prices.Length];
        var smoothing = Math.Min(period, 3);
        if (d) Stochastic.Compute(prices.High, prices.Low, prices.Close, other, output, SuitePeriod.Checked(period), smoothing, smoothing);
        else Stochastic.Compute(prices.High, prices.Low, prices.Close, output, other, SuitePeriod.Checked(period), smoothing, smoothing);
    }
}

public sealed class StochasticTests : StochasticSuite
{
    protected override string Column => "STOCHK_14_3_3";
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, d: false);

    [Fact]
    public void Smooths_the_fast_k_twice_with_smas()
    {
        double[] high = [10, 12, 11, 9, 10, 13], low = [8, 9, 7, 8, 8, 9], close = [9, 11, 8, 9, 10, 12];
        var (k, d) = (new double[6], new double[6]);
        Stochastic.Compute(high, low, close, k, d, 2, 2, 2);
        // Fast %K from bar 2: 100·(11−8)/4 = 75, 100·(8−7)/5 = 20, 100·(9−7)/4 = 50, 100·(10−8)/2 = 100, 100·(12−8)/5 = 80.
        // Slow %K: 47.5, 35, 75, 90; %D: 41.25, 55, 82.5 — both lines from bar 4.
        k[..3].ShouldAllBe(v => double.IsNaN(v));
        d[..3].ShouldAllBe(v => double.IsNaN(v));
        k[3..].ShouldBe([35.0, 75, 90], 1e-12);
        d[3..].ShouldBe([41.25, 55, 82.5], 1e-12);
    }

    [Fact]
    public void A_zero_range_gives_a_fast_k_of_zero_like_talib()
    {
        var flat = new Stochastic(3, 2, 2);
        for (var i = 0; i < 10; i++) flat.Update(2, 2, 2);
        (flat.Value, flat.D).ShouldBe((0.0, 0.0));

        // One flat window amid moves: that fast %K is 0, so the slow %K averages it in.
        double[] high = [3, 4, 4, 4, 5], low = [1, 4, 4, 4, 3], close = [2, 4, 4, 4, 5];
        var (k, d) = (new double[5], new double[5]);
        Stochastic.Compute(high, low, close, k, d, 2, 1, 1);
        k[1..].ShouldBe([100.0, 0, 0, 100], 1e-12);
    }

    [Fact]
    public void Does_not_depend_on_the_price_scale()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        static double[] Scale(double[] values) => values.Select(v => v * 1e-7).ToArray();
        var n = prices.Length;
        var (a, ad, b, bd) = (new double[n], new double[n], new double[n], new double[n]);
        Stochastic.Compute(prices.High, prices.Low, prices.Close, a, ad, 14, 3, 3);
        Stochastic.Compute(Scale(prices.High), Scale(prices.Low), Scale(prices.Close), b, bd, 14, 3, 3);
        for (var i = 17; i < n; i++)
        {
            b[i].ShouldBe(a[i], 1e-6);
            bd[i].ShouldBe(ad[i], 1e-6);
        }
    }

    [Fact]
    public void Exposes_its_two_lines_by_name()
    {
        var stochastic = new Stochastic();
        (stochastic.Name, stochastic.FastKPeriod, stochastic.SlowKPeriod, stochastic.SlowDPeriod, stochastic.WarmUpPeriod)
            .ShouldBe(("STOCHK_14_3_3", 14, 3, 3, 18));
        stochastic.OutputNames.ShouldBe(["k", "d"]);
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        for (var i = 0; i < 18; i++)
        {
            (double.IsNaN(stochastic.Output(0)), double.IsNaN(stochastic.Output(1))).ShouldBe((true, true));
            Update(stochastic, prices, i);
        }
        stochastic.Output(0).ShouldBe(stochastic.Value);
        stochastic.Output(1).ShouldBe(stochastic.D);
        Should.Throw<ArgumentOutOfRangeException>(() => stochastic.Output(2)).ParamName.ShouldBe("index");
    }

    [Theory]
    [InlineData(0, 3, 3, "fastKPeriod")]
    [InlineData(14, -1, 3, "slowKPeriod")]
    [InlineData(14, 3, 0, "slowDPeriod")]
    public void A_non_positive_period_is_refused_naming_each_parameter(int fastK, int slowK, int slowD, string parameter)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Stochastic(fastK, slowK, slowD)).ParamName.ShouldBe(parameter);
        var n = 5;
        Should.Throw<ArgumentOutOfRangeException>(() => Stochastic.Compute(new double[n], new double[n], new double[n], new double[n], new double[n], fastK, slowK, slowD))
            .ParamName.ShouldBe(parameter);
    }

    [Fact]
    public void Spans_of_different_lengths_or_short_outputs_are_refused()
    {
        Should.Throw<ArgumentException>(() => Stochastic.Compute(new double[3], new double[2], new double[3], new double[3], new double[3], 2, 1, 1));
        Should.Throw<ArgumentException>(() => Stochastic.Compute(new double[3], new double[3], new double[3], new double[3], new double[2], 2, 1, 1))
            .ParamName.ShouldBe("output");
    }

    [Fact]
    public void Updates_do_not_allocate()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new Stochastic();
        var i = 0;
        indicator.Update(prices.High[i], prices.Low[i], prices.Close[i]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (i = 1; i < prices.Length; i++) indicator.Update(prices.High[i], prices.Low[i], prices.Close[i]);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}

public sealed class StochasticDTests : StochasticSuite
{
    protected override string Column => "STOCHD_14_3_3";
    protected override double Read(Stochastic indicator) => indicator.D;
    protected override bool HasValue(Stochastic indicator) => !double.IsNaN(indicator.D);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, d: true);
}
