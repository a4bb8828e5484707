using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>The suite's period p maps to STOCHRSI(p, p, min(p, 3)): 14 gives the reference STOCHRSI(14, 14, 3).</summary>
public abstract class StochasticRsiSuite : IndicatorSuite<StochasticRsi>
{
    protected override int Period => 14;
    protected override StochasticRsi Create(int period) => new(SuitePeriod.Checked(period), period, Math.Min(period, 3));
    protected override string NameFor(int period) => $"STOCHRSIK_{period}_{period}_{Math.Min(period, 3)}";
    protected override void Update(StochasticRsi indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);

    protected static void Compute(PriceSeries prices, Span<double> output, int period, bool d)
    {
        var other = new double[prices.Length];
        if (d) StochasticRsi.Compute(prices.Close, other, output, SuitePeriod.Checked(period), period, Math.Min(period, 3));
        else StochasticRsi.Compute(prices.Close, output, other, SuitePeriod.Checked(period), period, Math.Min(period, 3));
    }
}

public sealed class StochasticRsiTests : StochasticRsiSuite
{
    protected override string Column => "STOCHRSIK_14_14_3";
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, d: false);

    [Theory]
    [InlineData("orcl-1995-2014.txt", 14, 14, 3)]
    [InlineData("2006-day-001.txt", 5, 9, 4)]
    public void Is_the_fast_stochastic_of_the_rsi(string file, int rsiPeriod, int fastK, int fastD)
    {
        var prices = PriceSeries.Load(file).Close;
        var n = prices.Length;
        var rsi = new double[n];
        new Rsi(rsiPeriod).Compute(prices, rsi);
        var (k, d) = (new double[n], new double[n]);
        StochasticRsi.Compute(prices, k, d, rsiPeriod, fastK, fastD);
        var first = rsiPeriod + fastK + fastD - 2;
        var naiveK = new double[n];
        for (var i = rsiPeriod + fastK - 1; i < n; i++)
        {
            var window = rsi[(i - fastK + 1)..(i + 1)];
            var (highest, lowest) = (window.Max(), window.Min());
            naiveK[i] = highest == lowest ? 0 : 100 * (rsi[i] - lowest) / (highest - lowest);
        }
        for (var i = 0; i < n; i++)
        {
            if (i < first)
            {
                (double.IsNaN(k[i]), double.IsNaN(d[i])).ShouldBe((true, true));
                continue;
            }
            k[i].ShouldBe(naiveK[i], 1e-9);
            d[i].ShouldBe(naiveK[(i - fastD + 1)..(i + 1)].Average(), 1e-9);
        }
    }

    [Fact]
    public void A_flat_rsi_gives_zero_like_talib()
    {
        var flat = new StochasticRsi(3, 3, 2);
        for (var i = 0; i < 20; i++) flat.Update(1.085);
        (flat.Value, flat.D).ShouldBe((0.0, 0.0));

        var rising = new StochasticRsi(3, 3, 2);
        for (var i = 0; i < 20; i++) rising.Update(1 + i); // RSI stuck at 100: zero range
        (rising.Value, rising.D).ShouldBe((0.0, 0.0));
    }

    [Fact]
    public void Does_not_depend_on_the_price_scale()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        var n = prices.Length;
        var (a, ad, b, bd) = (new double[n], new double[n], new double[n], new double[n]);
        StochasticRsi.Compute(prices, a, ad, 14, 14, 3);
        StochasticRsi.Compute(prices.Select(p => Math.ScaleB(p, -24)).ToArray(), b, bd, 14, 14, 3);
        for (var i = 29; i < n; i++)
        {
            b[i].ShouldBe(a[i], 1e-6);
            bd[i].ShouldBe(ad[i], 1e-6);
        }
    }

    [Fact]
    public void Exposes_its_two_lines_by_name()
    {
        var stochRsi = new StochasticRsi();
        (stochRsi.Name, stochRsi.RsiPeriod, stochRsi.FastKPeriod, stochRsi.FastDPeriod, stochRsi.WarmUpPeriod)
            .ShouldBe(("STOCHRSIK_14_14_3", 14, 14, 3, 30));
        stochRsi.OutputNames.ShouldBe(["k", "d"]);
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        for (var i = 0; i < 30; i++)
        {
            (double.IsNaN(stochRsi.Output(0)), double.IsNaN(stochRsi.Output(1))).ShouldBe((true, true));
            stochRsi.Update(prices[i]);
        }
        stochRsi.Output(0).ShouldBe(stochRsi.Value);
        stochRsi.Output(1).ShouldBe(stochRsi.D);
        Should.Throw<ArgumentOutOfRangeException>(() => stochRsi.Output(2)).ParamName.ShouldBe("index");
    }

    [Theory]
    [InlineData(0, 14, 3, "rsiPeriod")]
    [InlineData(14, -2, 3, "fastKPeriod")]
    [InlineData(14, 14, 0, "fastDPeriod")]
    public void A_non_positive_period_is_refused_naming_each_parameter(int rsiPeriod, int fastK, int fastD, string parameter)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new StochasticRsi(rsiPeriod, fastK, fastD)).ParamName.ShouldBe(parameter);
        Should.Throw<ArgumentOutOfRangeException>(() => StochasticRsi.Compute(new double[5], new double[5], new double[5], rsiPeriod, fastK, fastD))
            .ParamName.ShouldBe(parameter);
    }

    [Fact]
    public void Short_outputs_are_refused() =>
        Should.Throw<ArgumentException>(() => StochasticRsi.Compute(new double[5], new double[5], new double[4], 2, 2, 2)).ParamName.ShouldBe("output");

    [Fact]
    public void Updates_do_not_allocate()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new StochasticRsi();
        var i = 0;
        indicator.Update(prices.Close[i]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (i = 1; i < prices.Length; i++) indicator.Update(prices.Close[i]);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}

public sealed class StochasticRsiDTests : StochasticRsiSuite
{
    protected override string Column => "STOCHRSID_14_14_3";
    protected override double Read(StochasticRsi indicator) => indicator.D;
    protected override bool HasValue(StochasticRsi indicator) => !double.IsNaN(indicator.D);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, d: true);
}
