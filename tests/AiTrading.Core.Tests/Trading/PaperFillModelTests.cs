using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Trading;

public sealed class PaperFillModelTests
{
    private static readonly Quote Quote = new("EURUSD", DateTimeOffset.UnixEpoch, 1.08500, 1.08510, 1e6, 1e6);
    private static OrderRequest Order(OrderSide side, OrderType type = OrderType.Market, decimal? limit = null) =>
        new("c", "A", "EURUSD", side, 1000, type, limit);

    [Fact]
    public void Without_slippage_buys_fill_at_the_ask_and_sells_at_the_bid()
    {
        var model = new PaperFillModel(new PaperFillOptions { SlippageBps = 0, RandomSlippageBps = 0 });
        model.Execute(Order(OrderSide.Buy), Quote, 0.00001).Price.ShouldBe(1.08510m);
        model.Execute(Order(OrderSide.Sell), Quote, 0.00001).Price.ShouldBe(1.08500m);
    }

    [Fact]
    public void Slippage_is_adverse_and_rounded_to_the_tick_away_from_the_trader()
    {
        var model = new PaperFillModel(new PaperFillOptions { SlippageBps = 1, RandomSlippageBps = 0 });
        // 1 bp of 1.08510 = 0.000108510 → 1.085208510, rounded up to 1.08521
        model.Execute(Order(OrderSide.Buy), Quote, 0.00001).Price.ShouldBe(1.08521m);
        // 1.08500 − 0.0001085 = 1.0848915, rounded down to 1.08489
        model.Execute(Order(OrderSide.Sell), Quote, 0.00001).Price.ShouldBe(1.08489m);
    }

    [Fact]
    public void Is_deterministic_under_a_seed()
    {
        var options = new PaperFillOptions { SlippageBps = 0, RandomSlippageBps = 5, Seed = 3 };
        var a = new PaperFillModel(options);
        var b = new PaperFillModel(options);
        var pricesA = Enumerable.Range(0, 20).Select(_ => a.Execute(Order(OrderSide.Buy), Quote, 0.00001).Price).ToList();
        var pricesB = Enumerable.Range(0, 20).Select(_ => b.Execute(Order(OrderSide.Buy), Quote, 0.00001).Price).ToList();
        pricesA.ShouldBe(pricesB);
        pricesA.Distinct().Count().ShouldBeGreaterThan(1);
        pricesA.ShouldAllBe(p => p >= 1.08510m && p <= 1.08510m * 1.0005m + 0.00001m);
    }

    [Fact]
    public void Limit_orders_fill_only_when_marketable_and_never_beyond_the_limit()
    {
        var model = new PaperFillModel(new PaperFillOptions { SlippageBps = 10, RandomSlippageBps = 0 });
        var notMarketable = model.Execute(Order(OrderSide.Buy, OrderType.Limit, 1.0850m), Quote, 0.00001);
        notMarketable.Filled.ShouldBeFalse();
        notMarketable.NoFillReason!.ShouldContain("not marketable");
        var capped = model.Execute(Order(OrderSide.Buy, OrderType.Limit, 1.08515m), Quote, 0.00001);
        capped.Filled.ShouldBeTrue();
        capped.Price.ShouldBe(1.08515m);
    }

    [Fact]
    public void Refuses_a_crossed_or_empty_quote_and_bad_options()
    {
        var model = new PaperFillModel(new PaperFillOptions());
        model.Execute(Order(OrderSide.Buy), Quote with { Bid = 1.2, Ask = 1.1 }, 0.00001).Filled.ShouldBeFalse();
        model.Execute(Order(OrderSide.Buy), Quote with { Bid = 0 }, 0.00001).Filled.ShouldBeFalse();
        Should.Throw<ValidationException>(() => new PaperFillModel(new PaperFillOptions { SlippageBps = -1 })).Errors.Single().Field.ShouldBe("slippageBps");
    }
}
