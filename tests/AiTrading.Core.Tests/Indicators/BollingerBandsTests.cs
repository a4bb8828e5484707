using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>The suite's period p maps to BB(p, 2).</summary>
public abstract class BollingerBandsSuite : IndicatorSuite<BollingerBands>
{
    protected override int Period => 20;
    protected override BollingerBands Create(int period) => new(period, 2);
    protected override string NameFor(int period) => $"BB_{period}_2";
    protected override void Update(BollingerBands indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);

    /// <summary>Fills one line (0 upper, 1 middle, 2 lower) and throws the others away.</summary>
    protected static void Compute(PriceSeries prices, Span<double> output, int period, int line)
    {
        var n = prices.Length;
        var (a, b, c, d) = (new double[n], new double[n], new double[n], new double[n]);
        switch (line)
        {
            case 0: BollingerBands.Compute(prices.Close, output, a, b, c, d, period, 2); break;
            case 1: BollingerBands.Compute(prices.Close, a, output, b, c, d, period, 2); break;
            default: BollingerBands.Compute(prices.Close, a, b, output, c, d, period, 2); break;
        }
    }
}

public sealed class BollingerBandsTests : BollingerBandsSuite
{
    protected override string Column => "BBMIDDLE_20_2";
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 1);

    private static (double[] Upper, double[] Middle, double[] Lower, double[] PercentB, double[] Bandwidth) All(double[] input, int period, double deviations)
    {
        var n = input.Length;
        var lines = (new double[n], new double[n], new double[n], new double[n], new double[n]);
        BollingerBands.Compute(input, lines.Item1, lines.Item2, lines.Item3, lines.Item4, lines.Item5, period, deviations);
        return lines;
    }

    [Fact]
    public void Is_the_sma_plus_or_minus_the_population_standard_deviation()
    {
        var (upper, middle, lower, percentB, bandwidth) = All([1, 3, 2, 6], 2, 1.5);
        double.IsNaN(upper[0]).ShouldBeTrue();
        double.IsNaN(percentB[0]).ShouldBeTrue();
        // (1, 3): mean 2, σ 1; (3, 2): mean 2.5, σ 0.5; (2, 6): mean 4, σ 2.
        (upper[1], middle[1], lower[1]).ShouldBe((3.5, 2.0, 0.5));
        (upper[2], middle[2], lower[2]).ShouldBe((3.25, 2.5, 1.75));
        (upper[3], middle[3], lower[3]).ShouldBe((7.0, 4.0, 1.0));
        percentB[1].ShouldBe((3 - 0.5) / 3.0, 1e-15);
        percentB[2].ShouldBe(0.25 / 1.5, 1e-15);
        percentB[3].ShouldBe(5 / 6.0, 1e-15);
        bandwidth[1].ShouldBe(1.5, 1e-15);
        bandwidth[2].ShouldBe(0.6, 1e-15);
        bandwidth[3].ShouldBe(1.5, 1e-15);
    }

    [Fact]
    public void Percent_b_and_bandwidth_follow_the_bands_on_real_prices()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        var (upper, middle, lower, percentB, bandwidth) = All(prices, 20, 2);
        for (var i = 19; i < prices.Length; i++)
        {
            var width = upper[i] - lower[i];
            percentB[i].ShouldBe((prices[i] - lower[i]) / width);
            bandwidth[i].ShouldBe(width / middle[i]);
        }
    }

    [Fact]
    public void Zero_width_gives_a_percent_b_of_one_half_and_zero_bandwidth()
    {
        var bands = new BollingerBands(5, 2);
        for (var i = 0; i < 10; i++) bands.Update(1.085);
        (bands.Upper, bands.Lower, bands.PercentB, bands.Bandwidth).ShouldBe((bands.Middle, bands.Middle, 0.5, 0.0));
    }

    [Fact]
    public void A_flat_stretch_after_moves_has_exactly_zero_width_despite_running_sum_residue()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        var bands = new BollingerBands(20, 2);
        foreach (var price in prices.AsSpan(0, 500)) bands.Update(price);
        for (var i = 0; i < 20; i++) bands.Update(1.085);
        bands.Upper.ShouldBe(bands.Middle);
        bands.Lower.ShouldBe(bands.Middle);
        bands.Middle.ShouldBe(1.085, 1e-12);
        (bands.PercentB, bands.Bandwidth).ShouldBe((0.5, 0.0));
    }

    [Fact]
    public void A_zero_middle_gives_zero_bandwidth()
    {
        var (upper, middle, lower, percentB, bandwidth) = All([-1, 1, -3, 3], 2, 2);
        (upper[1], middle[1], lower[1]).ShouldBe((2.0, 0.0, -2.0));
        percentB[1].ShouldBe(0.75);
        bandwidth[1].ShouldBe(0);
        bandwidth[3].ShouldBe(0);
        percentB[3].ShouldBe(0.75);
    }

    [Fact]
    public void Percent_b_and_bandwidth_do_not_depend_on_the_price_scale()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        var a = All(prices, 20, 2);
        var b = All(prices.Select(p => p * 1e-7).ToArray(), 20, 2);
        for (var i = 19; i < prices.Length; i++)
        {
            b.PercentB[i].ShouldBe(a.PercentB[i], 1e-6);
            b.Bandwidth[i].ShouldBe(a.Bandwidth[i], 1e-9);
        }
    }

    [Fact]
    public void Exposes_its_five_lines_by_name()
    {
        var bands = new BollingerBands();
        (bands.Name, bands.Period, bands.Deviations, bands.WarmUpPeriod).ShouldBe(("BB_20_2", 20, 2.0, 20));
        new BollingerBands(10, 2.5).Name.ShouldBe("BB_10_2.5");
        bands.OutputNames.ShouldBe(["upper", "middle", "lower", "percentB", "bandwidth"]);
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        for (var i = 0; i < 19; i++)
        {
            bands.Update(prices[i]);
            for (var line = 0; line < 5; line++) double.IsNaN(bands.Output(line)).ShouldBeTrue();
        }
        bands.Update(prices[19]);
        bands.Value.ShouldBe(bands.Middle);
        new[] { bands.Output(0), bands.Output(1), bands.Output(2), bands.Output(3), bands.Output(4) }
            .ShouldBe([bands.Upper, bands.Middle, bands.Lower, bands.PercentB, bands.Bandwidth]);
        Should.Throw<ArgumentOutOfRangeException>(() => bands.Output(5)).ParamName.ShouldBe("index");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_non_positive_or_non_finite_deviation_is_refused(double deviations)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new BollingerBands(20, deviations)).ParamName.ShouldBe("deviations");
        var n = 5;
        Should.Throw<ArgumentOutOfRangeException>(() => BollingerBands.Compute(new double[n], new double[n], new double[n], new double[n], new double[n], new double[n], 20, deviations))
            .ParamName.ShouldBe("deviations");
    }

    [Fact]
    public void Short_outputs_are_refused()
    {
        for (var shortLine = 0; shortLine < 5; shortLine++)
        {
            var lines = Enumerable.Range(0, 5).Select(i => new double[i == shortLine ? 4 : 5]).ToArray();
            Should.Throw<ArgumentException>(() => BollingerBands.Compute(new double[5], lines[0], lines[1], lines[2], lines[3], lines[4], 2, 2))
                .ParamName.ShouldBe("output");
        }
    }

    [Fact]
    public void Updates_do_not_allocate()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new BollingerBands();
        var i = 0;
        indicator.Update(prices.Close[i]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (i = 1; i < prices.Length; i++) indicator.Update(prices.Close[i]);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}

public sealed class BollingerBandsUpperTests : BollingerBandsSuite
{
    protected override string Column => "BBUPPER_20_2";
    protected override double Read(BollingerBands indicator) => indicator.Upper;
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 0);
}

public sealed class BollingerBandsLowerTests : BollingerBandsSuite
{
    protected override string Column => "BBLOWER_20_2";
    protected override double Read(BollingerBands indicator) => indicator.Lower;
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 2);
}
