using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class KamaTests : IndicatorSuite<Kama>
{
    protected override string Column => "KAMA_30";
    protected override int Period => 30;
    protected override Kama Create(int period) => new(period);
    protected override void Update(Kama indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Kama(period).Compute(prices.Close, output);

    [Fact]
    public void Moves_at_the_fast_rate_on_a_trend_and_the_slow_rate_on_noise()
    {
        var trend = new Kama(3);
        foreach (var v in new[] { 1.0, 2, 3, 4 }) trend.Update(v);
        trend.Value.ShouldBe(3 + (4 - 3) * (2.0 / 3) * (2.0 / 3), 1e-12);

        var noise = new Kama(2);
        foreach (var v in new[] { 1.0, 2, 1 }) noise.Update(v);
        noise.Value.ShouldBe(2 + (1 - 2) * (2.0 / 31) * (2.0 / 31), 1e-12);
    }
}
