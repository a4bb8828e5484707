using AiTrading.Core.Risk;

namespace AiTrading.Core.Strategies;

/// <summary>
/// A strategy's own limits (<see cref="StrategyLimits"/>), checked before its order reaches the account's risk gate.
/// Orders that only reduce the position pass, so a strategy can always get flat.
/// </summary>
public static class StrategyLimitCheck
{
    public const string MaxPosition = "strategy_max_position";
    public const string MaxOrderNotional = "strategy_max_order_notional";
    public const string MaxDailyLoss = "strategy_max_daily_loss";
    public const string MaxOrdersPerMinute = "strategy_max_orders_per_minute";

    /// <param name="current">the strategy's position before the order</param>
    /// <param name="target">its position if the order fills</param>
    /// <param name="orderNotional">the order's notional in the account currency</param>
    /// <param name="dailyPnl">the strategy's P&amp;L today in the account currency</param>
    /// <param name="throttle">the strategy's order-rate window (null without that limit); counts the order when it passes</param>
    public static RiskDecision Check(StrategyLimits limits, decimal current, decimal target, decimal orderNotional, decimal dailyPnl,
        OrderRateLimiter? throttle, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var reducesOnly = Math.Abs(target) < Math.Abs(current) && Math.Sign(target) * Math.Sign(current) >= 0;
        if (reducesOnly) return RiskDecision.Pass;
        if (limits.MaxPosition is { } maxPosition && Math.Abs(target) > maxPosition)
            return RiskDecision.Reject(MaxPosition, $"the strategy's position would be {target:0.####}, beyond its max position {maxPosition:0.####}", Math.Abs(target), maxPosition);
        if (limits.MaxOrderNotional is { } maxNotional && orderNotional > maxNotional)
            return RiskDecision.Reject(MaxOrderNotional, $"order notional {orderNotional:0.##} exceeds the strategy's max order notional {maxNotional:0.##}", orderNotional, maxNotional);
        if (limits.MaxDailyLoss is { } maxLoss && -dailyPnl >= maxLoss)
            return RiskDecision.Reject(MaxDailyLoss, $"the strategy's daily loss {-dailyPnl:0.##} has reached its max daily loss {maxLoss:0.##}", -dailyPnl, maxLoss);
        if (throttle is not null && !throttle.TryAcquire(now))
            return RiskDecision.Reject(MaxOrdersPerMinute, $"the strategy sent {throttle.Limit} orders in the last {throttle.Window.TotalSeconds:0} s, its limit", throttle.Limit, throttle.Limit);
        return RiskDecision.Pass;
    }
}
