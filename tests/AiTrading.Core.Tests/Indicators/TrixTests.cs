using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class TrixTests : IndicatorSuite<Trix>
{
    protected override string Column => "TRIX_15";
    protected override int Period => 15;
    protected override Trix Create(int period) => new(period);
    protected override void Update(Trix indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Trix(period).Compute(prices.Close, output);

    [Fact]
    public void Is_the_percent_change_of_the_triple_ema()
    {
        var prices = PriceSeries.Load("2006-day-001.txt").Close;
        var ema = prices.ToArray();
        var next = new double[prices.Length];
        var start = 0;
        for (var pass = 0; pass < 3; pass++)
        {
            Array.Fill(next, double.NaN);
            new Ema(5).Compute(ema.AsSpan(start), next.AsSpan(start));
            start += 4;
            (ema, next) = (next, ema);
        }
        var trix = new double[prices.Length];
        new Trix(5).Compute(prices, trix);
        for (var i = 13; i < prices.Length; i++) trix[i].ShouldBe((ema[i] / ema[i - 1] - 1) * 100, 1e-12);
    }
}
