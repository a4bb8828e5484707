using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class CciTests : IndicatorSuite<Cci>
{
    protected override string Column => "CCI_20";
    protected override int Period => 20;
    protected override Cci Create(int period) => new(period);
    protected override void Update(Cci indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Cci(period).Compute(prices.High, prices.Low, prices.Close, output);

    [Fact]
    public void Scales_the_distance_from_the_mean_by_the_mean_deviation()
    {
        var output = new double[3];
        // Typical prices 1, 2, 6 (high = low = close).
        new Cci(3).Compute([1, 2, 6], [1, 2, 6], [1, 2, 6], output);
        // Mean 3, mean deviation (2 + 1 + 3)/3 = 2.
        output[2].ShouldBe((6 - 3) / (0.015 * 2), 1e-9);
    }

    [Fact]
    public void Flat_prices_give_zero()
    {
        var cci = new Cci(3);
        for (var i = 0; i < 10; i++) cci.Update(2, 2, 2);
        cci.Value.ShouldBe(0);
    }
}
