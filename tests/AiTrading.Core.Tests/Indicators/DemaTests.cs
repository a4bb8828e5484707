using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class DemaTests : IndicatorSuite<Dema>
{
    protected override string Column => "DEMA_20";
    protected override int Period => 20;
    protected override Dema Create(int period) => new(period);
    protected override void Update(Dema indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Dema(period).Compute(prices.Close, output);

    [Fact]
    public void Is_twice_the_ema_minus_the_ema_of_the_ema()
    {
        var output = new double[4];
        new Dema(2).Compute([1, 3, 7, 1], output);
        // EMA(2), k = 2/3: 2, 16/3, 22/9; the EMA of that: 11/3, 77/27.
        output[..2].ShouldAllBe(v => double.IsNaN(v));
        output[2].ShouldBe(2 * (16.0 / 3) - 11.0 / 3, 1e-12);
        output[3].ShouldBe(2 * (22.0 / 9) - 77.0 / 27, 1e-12);
    }
}
