using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class WilliamsRTests : IndicatorSuite<WilliamsR>
{
    protected override string Column => "WILLR_14";
    protected override int Period => 14;
    protected override WilliamsR Create(int period) => new(period);
    protected override void Update(WilliamsR indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new WilliamsR(period).Compute(prices.High, prices.Low, prices.Close, output);

    [Fact]
    public void Places_the_close_in_the_range_of_the_window()
    {
        var output = new double[4];
        new WilliamsR(2).Compute([10, 12, 11, 9], [8, 9, 7, 8], [9, 11, 8, 9], output);
        double.IsNaN(output[0]).ShouldBeTrue();
        output[1].ShouldBe(-100 * (12 - 11) / 4.0, 1e-12);
        output[2].ShouldBe(-100 * (12 - 8) / 5.0, 1e-12);
        output[3].ShouldBe(-100 * (11 - 9) / 4.0, 1e-12);
    }

    [Fact]
    public void Flat_prices_give_zero()
    {
        var willr = new WilliamsR(3);
        for (var i = 0; i < 10; i++) willr.Update(2, 2, 2);
        willr.Value.ShouldBe(0);
    }
}
