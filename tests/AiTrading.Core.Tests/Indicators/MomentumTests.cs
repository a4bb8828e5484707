using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class MomentumTests : IndicatorSuite<Momentum>
{
    protected override string Column => "MOM_10";
    protected override int Period => 10;
    protected override Momentum Create(int period) => new(period);
    protected override void Update(Momentum indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Momentum(period).Compute(prices.Close, output);

    [Fact]
    public void Is_the_change_over_period_inputs()
    {
        var output = new double[5];
        new Momentum(2).Compute([1, 4, 2, 8, 5], output);
        output[..2].ShouldAllBe(v => double.IsNaN(v));
        output[2..].ShouldBe([1, 4, 3]);
    }
}
