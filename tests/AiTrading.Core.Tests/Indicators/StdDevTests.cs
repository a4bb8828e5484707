using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class StdDevTests : IndicatorSuite<StdDev>
{
    protected override string Column => "STDDEV_20";
    protected override int Period => 20;
    protected override StdDev Create(int period) => new(period);
    protected override void Update(StdDev indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new StdDev(period).Compute(prices.Close, output);

    [Fact]
    public void Is_the_population_standard_deviation()
    {
        var output = new double[5];
        new StdDev(4).Compute([2, 4, 4, 4, 5], output);
        output[..3].ShouldAllBe(v => double.IsNaN(v));
        output[3].ShouldBe(Math.Sqrt(0.75), 1e-12);
        output[4].ShouldBe(Math.Sqrt(0.1875), 1e-12);
    }

    [Fact]
    public void Flat_prices_give_zero()
    {
        var stdDev = new StdDev(5);
        for (var i = 0; i < 50; i++) stdDev.Update(1.08500);
        stdDev.Value.ShouldBe(0, 1e-7);
    }
}
