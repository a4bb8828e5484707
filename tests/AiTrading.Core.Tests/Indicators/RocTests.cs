using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class RocTests : IndicatorSuite<Roc>
{
    protected override string Column => "ROC_10";
    protected override int Period => 10;
    protected override Roc Create(int period) => new(period);
    protected override void Update(Roc indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Roc(period).Compute(prices.Close, output);

    [Fact]
    public void Is_the_percent_change_over_period_inputs_and_0_from_a_zero_base()
    {
        var output = new double[5];
        new Roc(2).Compute([2, 0, 3, 5, 6], output);
        output[..2].ShouldAllBe(v => double.IsNaN(v));
        output[2].ShouldBe(50, 1e-12);
        output[3].ShouldBe(0);
        output[4].ShouldBe(100, 1e-12);
    }
}
