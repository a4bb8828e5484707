using AiTrading.Core.Risk;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Tests.Strategies;

public sealed class StrategyLimitCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly StrategyLimits Limits = new() { MaxPosition = 1000, MaxOrderNotional = 50_000, MaxDailyLoss = 500 };

    [Fact]
    public void Each_limit_names_itself_and_its_values()
    {
        var position = StrategyLimitCheck.Check(Limits, 0, 1500, 1_000, 0, null, Now);
        (position.Limit, position.Value, position.Threshold).ShouldBe((StrategyLimitCheck.MaxPosition, 1500m, 1000m));
        StrategyLimitCheck.Check(Limits, 0, -1000, 60_000, 0, null, Now).Limit.ShouldBe(StrategyLimitCheck.MaxOrderNotional);
        var loss = StrategyLimitCheck.Check(Limits, 0, 100, 1_000, -500, null, Now);
        (loss.Limit, loss.Message).ShouldBe((StrategyLimitCheck.MaxDailyLoss, "the strategy's daily loss 500 has reached its max daily loss 500"));
        StrategyLimitCheck.Check(Limits, 0, 100, 1_000, -499, null, Now).Approved.ShouldBeTrue();
        StrategyLimitCheck.Check(new StrategyLimits(), 0, 1e9m, 1e12m, -1e9m, null, Now).Approved.ShouldBeTrue("no limits, no rejection");
    }

    [Fact]
    public void Reducing_orders_always_pass_and_a_reversal_does_not_count_as_reducing()
    {
        StrategyLimitCheck.Check(Limits, 3000, 0, 1e9m, -1e6m, new OrderRateLimiter(1, TimeSpan.FromMinutes(1)), Now).Approved.ShouldBeTrue();
        StrategyLimitCheck.Check(Limits, 3000, 2000, 1e9m, 0, null, Now).Approved.ShouldBeTrue();
        StrategyLimitCheck.Check(Limits, 500, -1500, 1_000, 0, null, Now).Limit.ShouldBe(StrategyLimitCheck.MaxPosition);
    }

    [Fact]
    public void The_order_rate_window_slides()
    {
        var throttle = new OrderRateLimiter(2, TimeSpan.FromMinutes(1));
        StrategyLimitCheck.Check(Limits, 0, 10, 10, 0, throttle, Now).Approved.ShouldBeTrue();
        StrategyLimitCheck.Check(Limits, 10, 20, 10, 0, throttle, Now.AddSeconds(20)).Approved.ShouldBeTrue();
        StrategyLimitCheck.Check(Limits, 20, 30, 10, 0, throttle, Now.AddSeconds(59)).Limit.ShouldBe(StrategyLimitCheck.MaxOrdersPerMinute);
        throttle.CountAt(Now.AddSeconds(59)).ShouldBe(2, "a refused order is not counted");
        StrategyLimitCheck.Check(Limits, 20, 30, 10, 0, throttle, Now.AddSeconds(60)).Approved.ShouldBeTrue("the first order has left the window");
        Should.Throw<ArgumentOutOfRangeException>(() => new OrderRateLimiter(0, TimeSpan.FromMinutes(1)));
    }
}
