using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class TemaTests : IndicatorSuite<Tema>
{
    protected override string Column => "TEMA_20";
    protected override int Period => 20;
    protected override Tema Create(int period) => new(period);
    protected override void Update(Tema indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Tema(period).Compute(prices.Close, output);

    [Fact]
    public void Follows_a_straight_line_without_lag()
    {
        var line = Enumerable.Range(0, 40).Select(i => 10.0 + 0.5 * i).ToArray();
        var output = new double[line.Length];
        new Tema(5).Compute(line, output);
        output[..12].ShouldAllBe(v => double.IsNaN(v));
        for (var i = 12; i < line.Length; i++) output[i].ShouldBe(line[i], 1e-9);
    }
}
