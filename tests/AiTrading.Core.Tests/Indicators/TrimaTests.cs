using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class TrimaTests : IndicatorSuite<Trima>
{
    protected override string Column => "TRIMA_20";
    protected override int Period => 20;
    protected override Trima Create(int period) => new(period);
    protected override void Update(Trima indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Trima(period).Compute(prices.Close, output);

    [Theory]
    [InlineData(new[] { 1.0, 2, 1 }, 4.0)]
    [InlineData(new[] { 1.0, 2, 2, 1 }, 6.0)]
    [InlineData(new[] { 1.0, 2, 3, 2, 1 }, 9.0)]
    public void Uses_triangular_weights(double[] weights, double divisor)
    {
        var input = new[] { 3.0, 8, 1, 7, 2, 9, 4 };
        var output = new double[input.Length];
        new Trima(weights.Length).Compute(input, output);
        for (var end = weights.Length - 1; end < input.Length; end++)
        {
            var expected = 0.0;
            for (var j = 0; j < weights.Length; j++) expected += weights[j] * input[end - weights.Length + 1 + j];
            output[end].ShouldBe(expected / divisor, 1e-12);
        }
    }
}
