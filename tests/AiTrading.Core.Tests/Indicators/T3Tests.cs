using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class T3Tests : IndicatorSuite<T3>
{
    protected override string Column => "T3_5";
    protected override int Period => 5;
    protected override T3 Create(int period) => new(period);
    protected override void Update(T3 indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new T3(period).Compute(prices.Close, output);

    [Fact]
    public void Its_coefficients_sum_to_one_so_flat_prices_give_the_price()
    {
        var t3 = new T3(3, 0.5);
        for (var i = 0; i < 30; i++) t3.Update(1.085);
        t3.Value.ShouldBe(1.085, 1e-12);
        t3.Name.ShouldBe("T3_3_0.5");
    }

    [Fact]
    public void A_non_finite_volume_factor_is_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new T3(5, double.NaN)).ParamName.ShouldBe("volumeFactor");
}
