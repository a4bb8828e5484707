using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class MoneyFlowIndexTests : IndicatorSuite<MoneyFlowIndex>
{
    protected override string Column => "MFI_14";
    protected override int Period => 14;
    protected override MoneyFlowIndex Create(int period) => new(period);
    protected override void Update(MoneyFlowIndex indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index], prices.Volume[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) =>
        new MoneyFlowIndex(period).Compute(prices.High, prices.Low, prices.Close, prices.Volume, output);

    [Fact]
    public void Is_the_share_of_rising_money_flow_in_the_window()
    {
        // Typical prices 10, 11, 10.5, 12: flows +11·100, −10.5·200, +12·50.
        double[] high = [11, 12, 11.5, 13], low = [9, 10, 9.5, 11], close = [10, 11, 10.5, 12], volume = [1, 100, 200, 50];
        var output = new double[4];
        new MoneyFlowIndex(2).Compute(high, low, close, volume, output);
        output[..2].ShouldAllBe(v => double.IsNaN(v));
        output[2].ShouldBe(100 * 1100 / (1100 + 2100.0), 1e-12);
        output[3].ShouldBe(100 * 600 / (600 + 2100.0), 1e-12);
    }

    [Fact]
    public void No_money_flow_gives_zero_like_talib_and_only_rising_flow_gives_100()
    {
        var zeroVolume = new MoneyFlowIndex(3);
        for (var i = 0; i < 10; i++) zeroVolume.Update(10 + i, 9 + i, 9.5 + i, 0);
        zeroVolume.Value.ShouldBe(0);

        var rising = new MoneyFlowIndex(3);
        for (var i = 0; i < 10; i++) rising.Update(10 + i, 9 + i, 9.5 + i, 1_000 + i);
        rising.Value.ShouldBe(100);
    }

    [Fact]
    public void A_window_emptied_of_flow_gives_exactly_zero_not_rounding_residue()
    {
        var mfi = new MoneyFlowIndex(3);
        double[] typical = [1.1, 1.3, 1.2, 1.7, 0.9, 1.4];
        for (var i = 0; i < typical.Length; i++) mfi.Update(typical[i], typical[i], typical[i], 123_456.789 * (i + 1));
        mfi.Value.ShouldBeInRange(0, 100);
        for (var i = 0; i < 3; i++) mfi.Update(2, 2, 2, 0);
        mfi.Value.ShouldBe(0);
        mfi.Update(2.5, 2.5, 2.5, 10); // only rising flow now: exactly 100, the falling side holds no residue
        mfi.Value.ShouldBe(100);
    }

    [Fact]
    public void A_small_but_non_empty_money_flow_is_not_zeroed()
    {
        // TA-Lib 0.6 gives 0 below a total of 1.0 (price·volume units); here only an empty window does.
        var mfi = new MoneyFlowIndex(2);
        double[] price = [1e-5, 1.2e-5, 1.1e-5, 1.3e-5];
        foreach (var p in price) mfi.Update(p, p, p, 10);
        mfi.Value.ShouldBe(100 * 1.3e-4 / (1.3e-4 + 1.1e-4), 1e-9);
    }

    [Fact]
    public void Does_not_depend_on_the_price_or_volume_scale()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        // Powers of two scale exactly, so unchanged typical prices stay unchanged (1e-7 would break some ties).
        static double[] Scale(double[] values, int power) => values.Select(v => Math.ScaleB(v, power)).ToArray();
        var n = prices.Length;
        var (a, b) = (new double[n], new double[n]);
        new MoneyFlowIndex(14).Compute(prices.High, prices.Low, prices.Close, prices.Volume, a);
        new MoneyFlowIndex(14).Compute(Scale(prices.High, -24), Scale(prices.Low, -24), Scale(prices.Close, -24), Scale(prices.Volume, -20), b);
        for (var i = 14; i < n; i++) b[i].ShouldBe(a[i], 1e-6);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_negative_or_non_finite_volume_is_refused(double volume)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new MoneyFlowIndex().Update(2, 1, 1.5, volume)).ParamName.ShouldBe("volume");
    }
}
