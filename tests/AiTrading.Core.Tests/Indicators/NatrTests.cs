using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class NatrTests : IndicatorSuite<Natr>
{
    protected override string Column => "NATR_14";
    protected override int Period => 14;
    protected override Natr Create(int period) => new(period);
    protected override void Update(Natr indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Natr(period).Compute(prices.High, prices.Low, prices.Close, output);

    [Fact]
    public void Is_the_atr_as_a_percentage_of_the_close()
    {
        var natr = new Natr(2);
        var atr = new Atr(2);
        foreach (var (h, l, c) in new[] { (11.0, 9.0, 10.0), (12.0, 10.0, 11.0), (13.0, 10.0, 12.0), (12.5, 11.0, 11.5) })
        {
            natr.Update(h, l, c);
            atr.Update(h, l, c);
            if (atr.IsReady) natr.Value.ShouldBe(atr.Value / c * 100, 1e-12);
        }
    }

    [Fact]
    public void A_zero_close_gives_zero()
    {
        var natr = new Natr(1);
        natr.Update(1, 0, 0);
        natr.Update(1, 0, 0);
        natr.Value.ShouldBe(0);
    }
}
