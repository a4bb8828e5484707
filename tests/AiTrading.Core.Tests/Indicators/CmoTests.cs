using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class CmoTests : IndicatorSuite<Cmo>
{
    protected override string Column => "CMO_14";
    protected override int Period => 14;
    protected override Cmo Create(int period) => new(period);
    protected override void Update(Cmo indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Cmo(period).Compute(prices.Close, output);

    [Fact]
    public void Flat_prices_give_0_only_gains_100_and_only_losses_minus_100()
    {
        var flat = new Cmo(3);
        foreach (var v in new[] { 5.0, 5, 5, 5, 5 }) flat.Update(v);
        flat.Value.ShouldBe(0);

        var rising = new Cmo(3);
        foreach (var v in new[] { 1.0, 2, 3, 4, 5 }) rising.Update(v);
        rising.Value.ShouldBe(100);

        var falling = new Cmo(3);
        foreach (var v in new[] { 5.0, 4, 3, 2, 1 }) falling.Update(v);
        falling.Value.ShouldBe(-100);
    }

    [Fact]
    public void Is_two_rsi_minus_100()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        var cmo = new double[prices.Length];
        var rsi = new double[prices.Length];
        new Cmo(14).Compute(prices, cmo);
        new Rsi(14).Compute(prices, rsi);
        for (var i = 14; i < prices.Length; i++) cmo[i].ShouldBe(2 * rsi[i] - 100, 1e-9);
    }
}
