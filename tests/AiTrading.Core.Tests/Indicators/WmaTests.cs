using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class WmaTests : IndicatorSuite<Wma>
{
    protected override string Column => "WMA_20";
    protected override int Period => 20;
    protected override Wma Create(int period) => new(period);
    protected override void Update(Wma indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Wma(period).Compute(prices.Close, output);

    [Fact]
    public void Weights_the_newest_value_most()
    {
        var output = new double[5];
        new Wma(3).Compute([1, 2, 3, 6, 0], output);
        output[..2].ShouldAllBe(v => double.IsNaN(v));
        output[2].ShouldBe((1 + 2 * 2 + 3 * 3) / 6.0, 1e-12);
        output[3].ShouldBe((2 + 3 * 2 + 6 * 3) / 6.0, 1e-12);
        output[4].ShouldBe((3 + 6 * 2 + 0 * 3) / 6.0, 1e-12);
    }
}
