using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Risk;

public sealed class PreTradeRiskTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly RiskLimits Limits = new() { MaxPositionQuantity = 100_000, MaxOrderNotional = 150_000, MaxDailyLoss = 1_000 };

    private static OrderRequest Order(OrderSide side, decimal qty, decimal? limit = null) =>
        new("c", "A", "EURUSD", side, qty, limit is null ? OrderType.Market : OrderType.Limit, limit);

    private static AccountExposure Exposure(decimal position = 0, decimal dailyPnl = 0, decimal equity = 100_000, decimal? peak = null,
        decimal? gross = null, Dictionary<string, decimal>? currencies = null) =>
        new(position, dailyPnl, equity, peak ?? equity, gross ?? Math.Abs(position) * 1.10m, currencies ?? [], "USD");

    /// <summary>EURUSD at 1.10 for a USD account: base EUR converts at 1.10, quote USD at 1.</summary>
    private static OrderPricing Pricing(decimal? orderPrice = null, decimal rate = 1m, decimal mid = 1.10m) =>
        new(orderPrice ?? 1.10m, mid, orderPrice, "EUR", "USD", 1.10m * rate, rate);

    private static RiskDecision Check(OrderRequest order, AccountExposure? exposure = null, RiskLimits? limits = null, decimal rate = 1m,
        OrderRateLimiter? throttle = null, WorkingExposure working = default) =>
        PreTradeRisk.Check(order, limits ?? Limits, exposure ?? Exposure(), Pricing(order.LimitPrice, rate), throttle, Now, working);

    /// <summary>Working EURUSD orders resting at 1.10 in a USD account.</summary>
    private static WorkingExposure Working(decimal buys = 0, decimal sells = 0, decimal other = 0) => new(buys, buys * 1.10m, sells, sells * 1.10m, other);

    [Fact]
    public void Passes_an_order_inside_every_limit() => Check(Order(OrderSide.Buy, 10_000)).ShouldBe(RiskDecision.Pass);

    [Fact]
    public void Kill_switch_blocks_even_reducing_orders()
    {
        var decision = Check(Order(OrderSide.Sell, 1), Exposure(position: 10), Limits with { KillSwitch = true });
        (decision.Approved, decision.Limit).ShouldBe((false, RiskLimitNames.KillSwitch));
    }

    [Fact]
    public void A_limit_price_far_from_the_mid_is_a_fat_finger()
    {
        var far = Check(Order(OrderSide.Buy, 1_000, limit: 1.21m));
        (far.Limit, far.Value, far.Threshold).ShouldBe((RiskLimitNames.PriceBand, 10m, 5m));
        far.Message.ShouldBe("price 1.21 is 10% from the mid 1.10, beyond the 5% band");
        Check(Order(OrderSide.Buy, 1_000, limit: 1.155m)).Approved.ShouldBeTrue("exactly 5% is inside the band");
        Check(Order(OrderSide.Sell, 1_000, limit: 1.0m), Exposure(position: 5_000)).Limit.ShouldBe(RiskLimitNames.PriceBand, "reducing orders are checked too");
    }

    [Fact]
    public void Order_notional_is_measured_in_the_account_currency()
    {
        var decision = Check(Order(OrderSide.Buy, 140_000));
        (decision.Limit, decision.Value, decision.Threshold).ShouldBe((RiskLimitNames.MaxOrderNotional, 154_000m, 150_000m));
        Check(Order(OrderSide.Buy, 90_000), rate: 0.5m).Approved.ShouldBeTrue("small once converted at 0.5 account units per quote unit");
        Check(Order(OrderSide.Buy, 140_000), rate: 2m).Message.ShouldContain("308000");
    }

    [Fact]
    public void Position_limit_applies_to_the_resulting_position_on_both_sides()
    {
        Check(Order(OrderSide.Buy, 30_000), Exposure(position: 80_000)).Limit.ShouldBe(RiskLimitNames.MaxPosition);
        Check(Order(OrderSide.Sell, 30_000), Exposure(position: -80_000)).Limit.ShouldBe(RiskLimitNames.MaxPosition);
        Check(Order(OrderSide.Buy, 20_000), Exposure(position: 80_000)).Approved.ShouldBeTrue();
        var wide = Limits with { MaxOrderNotional = 1e9m };
        Check(Order(OrderSide.Sell, 190_000), Exposure(position: 80_000), wide).Limit.ShouldBe(RiskLimitNames.MaxPosition, "flipping to short 110k is not a reduction");
        Check(Order(OrderSide.Sell, 130_000), Exposure(position: 80_000), wide).Approved.ShouldBeTrue();
    }

    [Fact]
    public void Resting_sells_each_within_a_long_cannot_together_flip_it_into_a_large_short()
    {
        var exposure = Exposure(position: 80_000);
        Check(Order(OrderSide.Sell, 60_000), exposure).Approved.ShouldBeTrue("alone it reduces the long");
        Check(Order(OrderSide.Sell, 60_000), exposure, working: Working(sells: 60_000)).Approved.ShouldBeTrue("short 40,000 at worst: within the limit");
        Check(Order(OrderSide.Sell, 60_000), exposure, working: Working(sells: 120_000)).Approved.ShouldBeTrue("short 100,000 at worst: at the limit");
        var crossing = Check(Order(OrderSide.Sell, 60_000), exposure, working: Working(sells: 180_000));
        (crossing.Limit, crossing.Value, crossing.Threshold).ShouldBe((RiskLimitNames.MaxPosition, 160_000m, 100_000m));
        crossing.Message.ShouldBe("position in EURUSD would be -160000 with the working sells of 180000, beyond max position 100000");
        Check(Order(OrderSide.Sell, 60_000), exposure, working: Working(buys: 180_000)).Approved.ShouldBeTrue("working buys do not add to a sell's worst case");
    }

    [Fact]
    public void Working_buys_count_toward_the_long_side_of_the_position_limit()
    {
        var exposure = Exposure(position: 50_000);
        var over = Check(Order(OrderSide.Buy, 20_000), exposure, working: Working(buys: 40_000));
        (over.Limit, over.Value).ShouldBe((RiskLimitNames.MaxPosition, 110_000m));
        over.Message.ShouldBe("position in EURUSD would be 110000 with the working buys of 40000, beyond max position 100000");
        Check(Order(OrderSide.Buy, 10_000), exposure, working: Working(buys: 40_000)).Approved.ShouldBeTrue("100,000 at worst");
        Check(Order(OrderSide.Buy, 20_000), exposure, working: Working(sells: 40_000)).Approved.ShouldBeTrue("working sells do not add to a buy's worst case");
        Check(Order(OrderSide.Buy, 30_000), Exposure(position: -50_000), working: Working(buys: 40_000)).Approved
            .ShouldBeTrue("covering a short through zero to long 20,000 at worst");
    }

    [Fact]
    public void An_order_reduces_only_while_it_and_the_working_orders_on_its_side_at_most_flatten()
    {
        // The daily loss is hit: only reducing orders pass, so each sell is judged with the sells already resting.
        var exposure = Exposure(position: 80_000, dailyPnl: -5_000);
        Check(Order(OrderSide.Sell, 30_000), exposure).Approved.ShouldBeTrue();
        Check(Order(OrderSide.Sell, 30_000), exposure, working: Working(sells: 30_000)).Approved.ShouldBeTrue();
        var third = Check(Order(OrderSide.Sell, 30_000), exposure, working: Working(sells: 60_000));
        (third.Approved, third.Limit).ShouldBe((false, RiskLimitNames.MaxDailyLoss), "with the two resting sells it would go short 10,000: it adds risk");
        Check(Order(OrderSide.Sell, 20_000), exposure, working: Working(sells: 60_000)).Approved.ShouldBeTrue("exactly flat at worst");
        Check(Order(OrderSide.Buy, 20_000), Exposure(position: -80_000, dailyPnl: -5_000), working: Working(buys: 60_000)).Approved.ShouldBeTrue("the same for a short");
        Check(Order(OrderSide.Buy, 30_000), Exposure(position: -80_000, dailyPnl: -5_000), working: Working(buys: 60_000)).Limit.ShouldBe(RiskLimitNames.MaxDailyLoss);

        // Once the resting sells are cancelled, or filled (the long is smaller, nothing rests), the order passes again.
        Check(Order(OrderSide.Sell, 30_000), exposure, working: default).Approved.ShouldBeTrue("cancelled");
        Check(Order(OrderSide.Sell, 20_000), Exposure(position: 20_000, dailyPnl: -5_000)).Approved.ShouldBeTrue("filled");
        Check(Order(OrderSide.Sell, 30_000), Exposure(position: 20_000, dailyPnl: -5_000)).Limit.ShouldBe(RiskLimitNames.MaxDailyLoss, "filled, then past flat");
    }

    [Fact]
    public void Working_orders_count_toward_margin_and_currency_exposure_at_their_notional()
    {
        var limits = Limits with { MaxOrderNotional = 1e9m, MaxPositionQuantity = 1e9m, MarginRate = 0.05m };
        // 1,500,000 EUR resting at 1.10 (1,650,000) and 400,000 more (440,000) → gross 2,090,000 → margin 104,500 > equity 100,000.
        var margin = Check(Order(OrderSide.Buy, 400_000), limits: limits, working: Working(buys: 1_500_000));
        (margin.Limit, margin.Value, margin.Threshold).ShouldBe((RiskLimitNames.Margin, 104_500m, 100_000m));
        margin.Message.ShouldBe("the positions would need margin 104500 once the working orders filled, more than equity 100000 at margin rate 0.05");
        Check(Order(OrderSide.Buy, 400_000), limits: limits).Approved.ShouldBeTrue("margin 22,000 without the resting buys");
        Check(Order(OrderSide.Buy, 300_000), limits: limits, working: Working(buys: 1_500_000)).Approved.ShouldBeTrue("margin 99,000");
        Check(Order(OrderSide.Buy, 300_000), limits: limits, working: Working(buys: 1_500_000, other: 100_000)).Limit
            .ShouldBe(RiskLimitNames.Margin, "working orders in other instruments add to the gross: margin 104,000");
        // Working orders are valued at their own prices: 1,500,000 resting at 1.00 leaves room for the same 400,000.
        Check(Order(OrderSide.Buy, 400_000), limits: limits, working: new WorkingExposure(1_500_000, 1_500_000, 0, 0)).Approved.ShouldBeTrue("margin 97,000");

        var currencies = limits with { MarginRate = 0.001m, MaxCurrencyExposure = 1_000_000m };
        var eur = Check(Order(OrderSide.Buy, 100_000), limits: currencies, working: Working(buys: 850_000));
        (eur.Limit, eur.Value).ShouldBe((RiskLimitNames.MaxCurrencyExposure, 1_045_000m));
    }

    [Fact]
    public void Margin_after_the_order_may_not_exceed_equity()
    {
        var limits = Limits with { MaxOrderNotional = 1e9m, MaxPositionQuantity = 1e9m, MarginRate = 0.05m };
        // Gross 1,100,000 already (margin 55,000); 1,000,000 more EUR at 1.10 makes 2,200,000 → margin 110,000 > equity 100,000.
        var decision = Check(Order(OrderSide.Buy, 1_000_000), Exposure(position: 1_000_000), limits);
        (decision.Limit, decision.Value, decision.Threshold).ShouldBe((RiskLimitNames.Margin, 110_000m, 100_000m));
        Check(Order(OrderSide.Buy, 700_000), Exposure(position: 1_000_000), limits).Approved.ShouldBeTrue("margin 93,500");
        Check(Order(OrderSide.Sell, 1_500_000), Exposure(position: 1_000_000, equity: 10_000), limits).Limit
            .ShouldBe(RiskLimitNames.Margin, "a reversal adds the short's margin");
        Check(Order(OrderSide.Sell, 500_000), Exposure(position: 1_000_000, equity: 10), limits).Approved.ShouldBeTrue("reducing needs no margin");
    }

    [Fact]
    public void Net_exposure_per_currency_is_limited_on_both_legs()
    {
        var limits = Limits with { MaxOrderNotional = 1e9m, MaxPositionQuantity = 1e9m, MarginRate = 0.001m, MaxCurrencyExposure = 1_000_000m };
        // Buying EURUSD adds EUR (at 1.10) and removes USD; USD is the account currency, so only EUR counts here.
        var eur = Check(Order(OrderSide.Buy, 1_000_000), limits: limits);
        (eur.Limit, eur.Value).ShouldBe((RiskLimitNames.MaxCurrencyExposure, 1_100_000m));
        eur.Message.ShouldBe("net EUR exposure would be 1100000, beyond max currency exposure 1000000");
        // An order that brings an over-limit currency back is allowed (here short EUR via another pair already).
        Check(Order(OrderSide.Buy, 1_000_000), Exposure(currencies: new() { ["EUR"] = -1_500_000m }), limits).Approved.ShouldBeTrue();
        // In a GBP account the USD leg counts as well.
        var gbpAccount = Exposure(currencies: new() { ["USD"] = -900_000m }) with { AccountCurrency = "GBP" };
        var pricing = new OrderPricing(1.10m, 1.10m, null, "EUR", "USD", 0.85m, 0.78m);
        var usd = PreTradeRisk.Check(Order(OrderSide.Buy, 200_000), limits, gbpAccount, pricing);
        (usd.Limit, usd.Value).ShouldBe((RiskLimitNames.MaxCurrencyExposure, 1_071_600m));
    }

    [Fact]
    public void Daily_loss_and_drawdown_block_new_risk_but_let_the_trader_reduce()
    {
        var blocked = Check(Order(OrderSide.Buy, 1_000), Exposure(position: 5_000, dailyPnl: -1_000));
        (blocked.Limit, blocked.Value).ShouldBe((RiskLimitNames.MaxDailyLoss, 1_000m));
        Check(Order(OrderSide.Sell, 5_000), Exposure(position: 5_000, dailyPnl: -5_000)).Approved.ShouldBeTrue();
        Check(Order(OrderSide.Buy, 1_000), Exposure(dailyPnl: -999.99m)).Approved.ShouldBeTrue();

        var drawdown = Check(Order(OrderSide.Buy, 1_000), Exposure(equity: 74_000, peak: 100_000));
        (drawdown.Limit, drawdown.Value, drawdown.Threshold).ShouldBe((RiskLimitNames.MaxDrawdown, 0.26m, 0.25m));
        Check(Order(OrderSide.Buy, 1_000), Exposure(equity: 75_001, peak: 100_000)).Approved.ShouldBeTrue();
        Check(Order(OrderSide.Sell, 1_000), Exposure(position: 2_000, equity: 10_000, peak: 100_000)).Approved.ShouldBeTrue();
        Exposure(equity: 120_000, peak: 100_000).Drawdown.ShouldBe(0, "above the peak there is no drawdown");
    }

    [Fact]
    public void The_order_rate_counts_every_order_that_passes_and_only_those()
    {
        var limits = Limits with { MaxOrdersPerSecond = 2 };
        var throttle = new OrderRateLimiter(2, TimeSpan.FromSeconds(1));
        Check(Order(OrderSide.Buy, 1_000), limits: limits, throttle: throttle).Approved.ShouldBeTrue();
        Check(Order(OrderSide.Buy, 1_000_000), limits: limits, throttle: throttle).Limit.ShouldBe(RiskLimitNames.MaxOrderNotional, "a rejected order is not counted");
        Check(Order(OrderSide.Sell, 1_000), Exposure(position: 5_000), limits, throttle: throttle).Approved.ShouldBeTrue("reducing orders count too");
        var third = Check(Order(OrderSide.Buy, 1_000), limits: limits, throttle: throttle);
        (third.Limit, third.Message).ShouldBe((RiskLimitNames.OrderRate, "2 orders in the last second already: the limit is 2 per second"));
        PreTradeRisk.Check(Order(OrderSide.Buy, 1_000), limits, Exposure(), Pricing(), throttle, Now.AddSeconds(1)).Approved.ShouldBeTrue();
    }

    [Fact]
    public void Limits_validate_each_field()
    {
        new RiskLimits
        {
            MaxPositionQuantity = 0, MaxOrderNotional = -1, MaxDailyLoss = 0, MarginRate = 0, PriceBandPercent = 101, MaxOrdersPerSecond = 0,
            MaxDrawdown = 1.5m, MaxCurrencyExposure = 0,
        }.Validate().Select(e => e.Field).ShouldBe(
        [
            "maxPositionQuantity", "maxOrderNotional", "maxDailyLoss", "marginRate", "priceBandPercent", "maxOrdersPerSecond", "maxDrawdown", "maxCurrencyExposure",
        ]);
    }

    [Fact]
    public void A_passing_check_allocates_nothing()
    {
        var exposure = Exposure(position: 10_000, currencies: new() { ["EUR"] = 11_000m });
        var pricing = Pricing(orderPrice: 1.101m);
        var order = Order(OrderSide.Buy, 5_000, limit: 1.101m);
        var working = Working(buys: 20_000, sells: 10_000, other: 50_000);
        for (var i = 0; i < 100; i++) PreTradeRisk.Check(order, Limits, exposure, pricing, working: working);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++) PreTradeRisk.Check(order, Limits, exposure, pricing, working: working);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
