using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class LinearRegressionSlopeTests : IndicatorSuite<LinearRegressionSlope>
{
    protected override string Column => "LINEARREG_SLOPE_14";
    protected override int Period => 14;
    protected override string NameFor(int period) => $"LINEARREG_SLOPE_{period}";
    protected override LinearRegressionSlope Create(int period) => new(period);
    protected override void Update(LinearRegressionSlope indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new LinearRegressionSlope(period).Compute(prices.Close, output);

    [Fact]
    public void Is_the_slope_of_a_line_and_zero_when_flat()
    {
        var output = new double[6];
        new LinearRegressionSlope(3).Compute([1, 3, 5, 7, 4, 4], output);
        output[..2].ShouldAllBe(v => double.IsNaN(v));
        output[2].ShouldBe(2, 1e-12);
        output[3].ShouldBe(2, 1e-12);
        output[4].ShouldBe(-0.5, 1e-12);
        output[5].ShouldBe(-1.5, 1e-12);
    }

    [Fact]
    public void A_single_point_has_slope_zero()
    {
        var slope = new LinearRegressionSlope(1);
        slope.Update(3);
        slope.Value.ShouldBe(0);
    }
}
