using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class AdxTests : IndicatorSuite<Adx>
{
    protected override string Column => "ADX_14";
    protected override int Period => 14;
    protected override Adx Create(int period) => new(period);
    protected override void Update(Adx indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);

    protected override void Compute(PriceSeries prices, Span<double> output, int period)
    {
        var scratch = new double[Math.Max(output.Length, prices.Length)];
        Adx.Compute(prices.High, prices.Low, prices.Close, output, scratch, scratch.ToArray(), period);
    }

    [Fact]
    public void Follows_wilders_smoothing_with_talibs_seeding()
    {
        double[] high = [10, 11, 12, 11, 12], low = [8, 9, 9, 7, 8], close = [9, 10, 11, 8, 11];
        var (adx, plus, minus) = (new double[5], new double[5], new double[5]);
        Adx.Compute(high, low, close, adx, plus, minus, 2);
        // Seed sums (bar 2 only): +DM 1, −DM 0, TR 2. Bar 3: +DM 1−0.5+1 = 1.5, TR 2−1+3 = 4.
        plus[..2].ShouldAllBe(v => double.IsNaN(v));
        minus[..2].ShouldAllBe(v => double.IsNaN(v));
        plus[2].ShouldBe(37.5, 1e-12);
        minus[2].ShouldBe(0);
        // Bar 4: +DM 0.75, −DM 2, TR 6; DX = 100·(100/3 − 12.5)/(100/3 + 12.5) = 500/11; ADX = (100 + 500/11)/2.
        plus[3].ShouldBe(12.5, 1e-12);
        minus[3].ShouldBe(100.0 / 3, 1e-12);
        adx[..3].ShouldAllBe(v => double.IsNaN(v));
        adx[3].ShouldBe(800.0 / 11, 1e-12);
        // Bar 5: +DM 1.375, −DM 1, TR 7; DX = 100·0.375/2.375.
        plus[4].ShouldBe(137.5 / 7, 1e-12);
        minus[4].ShouldBe(100.0 / 7, 1e-12);
        adx[4].ShouldBe((800.0 / 11 + 100 * 0.375 / 2.375) / 2, 1e-12);
    }

    [Fact]
    public void A_bar_without_directional_movement_or_range_leaves_the_adx_unchanged_like_talib()
    {
        var adx = new Adx(1);
        adx.Update(10, 8, 9);
        adx.Update(11, 9, 10); // +DM 1, TR 2: +DI 50, −DI 0, DX 100
        adx.Value.ShouldBe(100);
        adx.Update(11, 9, 9.5); // no movement: DI sum 0, no DX
        (adx.PlusDi, adx.MinusDi, adx.Value).ShouldBe((0.0, 0.0, 100.0));
        adx.Update(9.5, 9.5, 9.5); // zero true range: DI = 0
        (adx.PlusDi, adx.MinusDi, adx.Value).ShouldBe((0.0, 0.0, 100.0));
    }

    [Fact]
    public void Flat_prices_give_zero_on_every_line()
    {
        var adx = new Adx(3);
        for (var i = 0; i < 10; i++) adx.Update(2, 2, 2);
        (adx.Value, adx.PlusDi, adx.MinusDi).ShouldBe((0.0, 0.0, 0.0));
    }

    [Fact]
    public void Exposes_its_three_lines_by_name()
    {
        var adx = new Adx();
        adx.Name.ShouldBe("ADX_14");
        adx.OutputNames.ShouldBe(["adx", "plusDi", "minusDi"]);
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        for (var i = 0; i < 40; i++) adx.Update(prices.High[i], prices.Low[i], prices.Close[i]);
        adx.Output(0).ShouldBe(adx.Value);
        adx.Output(1).ShouldBe(adx.PlusDi);
        adx.Output(2).ShouldBe(adx.MinusDi);
        Should.Throw<ArgumentOutOfRangeException>(() => adx.Output(3)).ParamName.ShouldBe("index");
    }

    [Fact]
    public void Does_not_depend_on_the_price_scale()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        // A power of two scales every price exactly, so ties between moves stay ties (1e-7 would break some).
        static double[] Scale(double[] values) => values.Select(v => Math.ScaleB(v, -24)).ToArray();
        var n = prices.Length;
        var (a, ap, am, b, bp, bm) = (new double[n], new double[n], new double[n], new double[n], new double[n], new double[n]);
        Adx.Compute(prices.High, prices.Low, prices.Close, a, ap, am, 14);
        Adx.Compute(Scale(prices.High), Scale(prices.Low), Scale(prices.Close), b, bp, bm, 14);
        for (var i = 27; i < n; i++)
        {
            b[i].ShouldBe(a[i], 1e-6);
            bp[i].ShouldBe(ap[i], 1e-6);
            bm[i].ShouldBe(am[i], 1e-6);
        }
    }

    [Fact]
    public void Spans_of_different_lengths_or_short_outputs_are_refused()
    {
        Should.Throw<ArgumentException>(() => Adx.Compute(new double[3], new double[2], new double[3], new double[3], new double[3], new double[3], 2));
        Should.Throw<ArgumentException>(() => Adx.Compute(new double[3], new double[3], new double[3], new double[3], new double[3], new double[2], 2))
            .ParamName.ShouldBe("output");
    }
}

public sealed class AdxPlusDiTests : IndicatorSuite<Adx>
{
    protected override string Column => "PLUS_DI_14";
    protected override int Period => 14;
    protected override Adx Create(int period) => new(period);
    protected override string NameFor(int period) => $"ADX_{period}";
    protected override void Update(Adx indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);
    protected override double Read(Adx indicator) => indicator.PlusDi;
    protected override bool HasValue(Adx indicator) => !double.IsNaN(indicator.PlusDi);
    protected override int FirstValueIndex(Adx indicator) => indicator.Period;

    protected override void Compute(PriceSeries prices, Span<double> output, int period)
    {
        var scratch = new double[Math.Max(output.Length, prices.Length)];
        Adx.Compute(prices.High, prices.Low, prices.Close, scratch, output, scratch.ToArray(), period);
    }
}

public sealed class AdxMinusDiTests : IndicatorSuite<Adx>
{
    protected override string Column => "MINUS_DI_14";
    protected override int Period => 14;
    protected override Adx Create(int period) => new(period);
    protected override string NameFor(int period) => $"ADX_{period}";
    protected override void Update(Adx indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);
    protected override double Read(Adx indicator) => indicator.MinusDi;
    protected override bool HasValue(Adx indicator) => !double.IsNaN(indicator.MinusDi);
    protected override int FirstValueIndex(Adx indicator) => indicator.Period;

    protected override void Compute(PriceSeries prices, Span<double> output, int period)
    {
        var scratch = new double[Math.Max(output.Length, prices.Length)];
        Adx.Compute(prices.High, prices.Low, prices.Close, scratch, scratch.ToArray(), output, period);
    }
}
