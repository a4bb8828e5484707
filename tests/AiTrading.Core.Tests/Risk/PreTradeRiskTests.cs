using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Risk;

public sealed class PreTradeRiskTests
{
    private static readonly RiskLimits Limits = new() { MaxPositionQuantity = 100_000, MaxOrderNotional = 150_000, MaxDailyLoss = 1_000 };
    private static OrderRequest Order(OrderSide side, decimal qty) => new("c", "A", "EURUSD", side, qty);
    private static RiskDecision Check(OrderRequest order, decimal position = 0, decimal dailyPnl = 0, RiskLimits? limits = null, decimal rate = 1m) =>
        PreTradeRisk.Check(order, limits ?? Limits, new AccountExposure(position, dailyPnl), 1.10m, rate);

    [Fact]
    public void Passes_an_order_inside_every_limit() => Check(Order(OrderSide.Buy, 10_000)).Approved.ShouldBeTrue();

    [Fact]
    public void Kill_switch_blocks_even_reducing_orders()
    {
        var decision = Check(Order(OrderSide.Sell, 1), position: 10, limits: Limits with { KillSwitch = true });
        decision.Approved.ShouldBeFalse();
        decision.Limit.ShouldBe(RiskLimitNames.KillSwitch);
    }

    [Fact]
    public void Order_notional_is_measured_in_the_account_currency()
    {
        var decision = Check(Order(OrderSide.Buy, 140_000));
        decision.Limit.ShouldBe(RiskLimitNames.MaxOrderNotional);
        decision.Value.ShouldBe(154_000m);
        decision.Threshold.ShouldBe(150_000m);
        // The same order is small once converted at 0.5 account units per quote unit.
        Check(Order(OrderSide.Buy, 90_000), rate: 0.5m).Approved.ShouldBeTrue();
        Check(Order(OrderSide.Buy, 140_000), rate: 2m).Message.ShouldContain("308000");
    }

    [Fact]
    public void Position_limit_applies_to_the_resulting_position_on_both_sides()
    {
        Check(Order(OrderSide.Buy, 30_000), position: 80_000).Limit.ShouldBe(RiskLimitNames.MaxPosition);
        Check(Order(OrderSide.Sell, 30_000), position: -80_000).Limit.ShouldBe(RiskLimitNames.MaxPosition);
        Check(Order(OrderSide.Buy, 20_000), position: 80_000).Approved.ShouldBeTrue();
        // Flipping from long 80k to short 110k is not a reduction.
        Check(Order(OrderSide.Sell, 190_000), position: 80_000, limits: Limits with { MaxOrderNotional = 1e9m }).Limit.ShouldBe(RiskLimitNames.MaxPosition);
        Check(Order(OrderSide.Sell, 130_000), position: 80_000, limits: Limits with { MaxOrderNotional = 1e9m }).Approved.ShouldBeTrue();
    }

    [Fact]
    public void Daily_loss_limit_blocks_new_risk_but_lets_the_trader_reduce()
    {
        var blocked = Check(Order(OrderSide.Buy, 1_000), position: 5_000, dailyPnl: -1_000);
        blocked.Limit.ShouldBe(RiskLimitNames.MaxDailyLoss);
        blocked.Value.ShouldBe(1_000m);
        Check(Order(OrderSide.Sell, 5_000), position: 5_000, dailyPnl: -5_000).Approved.ShouldBeTrue();
        Check(Order(OrderSide.Buy, 1_000), dailyPnl: -999.99m).Approved.ShouldBeTrue();
    }

    [Fact]
    public void Limits_validate_each_field()
    {
        new RiskLimits { MaxPositionQuantity = 0, MaxOrderNotional = -1, MaxDailyLoss = 0 }.Validate().Select(e => e.Field)
            .ShouldBe(["maxPositionQuantity", "maxOrderNotional", "maxDailyLoss"]);
    }
}
