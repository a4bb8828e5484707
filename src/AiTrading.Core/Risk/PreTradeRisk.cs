using AiTrading.Core.Trading;

namespace AiTrading.Core.Risk;

/// <summary>Per-account limits. Money amounts are in the account currency; quantities in base units.</summary>
public sealed record RiskLimits
{
    public decimal MaxPositionQuantity { get; init; } = 1_000_000m;
    public decimal MaxOrderNotional { get; init; } = 5_000_000m;
    public decimal MaxDailyLoss { get; init; } = 50_000m;
    public bool KillSwitch { get; init; }

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (MaxPositionQuantity <= 0) errors.Add(new("maxPositionQuantity", $"must be greater than 0 (got {MaxPositionQuantity})"));
        if (MaxOrderNotional <= 0) errors.Add(new("maxOrderNotional", $"must be greater than 0 (got {MaxOrderNotional})"));
        if (MaxDailyLoss <= 0) errors.Add(new("maxDailyLoss", $"must be greater than 0 (got {MaxDailyLoss})"));
        return errors;
    }
}

/// <summary>What the risk check needs to know of the account: signed position in the symbol and today's P&amp;L.</summary>
public readonly record struct AccountExposure(decimal Position, decimal DailyPnl);

/// <summary>The verdict of a pre-trade check. A rejection names the limit and the values that broke it.</summary>
public sealed record RiskDecision(bool Approved, string? Limit, string Message, decimal? Value = null, decimal? Threshold = null)
{
    public static readonly RiskDecision Pass = new(true, null, "all limits passed");

    public static RiskDecision Reject(string limit, string message, decimal value, decimal threshold) =>
        new(false, limit, message, value, threshold);
}

public static class RiskLimitNames
{
    public const string KillSwitch = "kill_switch";
    public const string MaxOrderNotional = "max_order_notional";
    public const string MaxPosition = "max_position";
    public const string MaxDailyLoss = "max_daily_loss";
}

/// <summary>
/// Pre-trade checks, in order: kill switch, order notional, resulting position, daily loss.
/// Orders that only reduce the absolute position pass the position and daily-loss limits, so a trader
/// who hit a loss limit can still flatten; the kill switch blocks everything.
/// </summary>
public static class PreTradeRisk
{
    /// <param name="referencePrice">price the order would trade at now (ask for buys, bid for sells, or the limit)</param>
    /// <param name="quoteToAccountRate">converts the symbol's quote currency into the account currency</param>
    public static RiskDecision Check(OrderRequest order, RiskLimits limits, AccountExposure exposure,
        decimal referencePrice, decimal quoteToAccountRate)
    {
        if (limits.KillSwitch)
            return RiskDecision.Reject(RiskLimitNames.KillSwitch, "kill switch is engaged: no new orders", 1, 0);

        var notional = order.Quantity * referencePrice * quoteToAccountRate;
        if (notional > limits.MaxOrderNotional)
            return RiskDecision.Reject(RiskLimitNames.MaxOrderNotional,
                $"order notional {notional:0.##} exceeds max order notional {limits.MaxOrderNotional:0.##}", notional, limits.MaxOrderNotional);

        var after = exposure.Position + order.Side.Sign() * order.Quantity;
        var reducesOnly = Math.Abs(after) < Math.Abs(exposure.Position) && Math.Sign(after) * Math.Sign(exposure.Position) >= 0;
        if (reducesOnly) return RiskDecision.Pass;

        if (Math.Abs(after) > limits.MaxPositionQuantity)
            return RiskDecision.Reject(RiskLimitNames.MaxPosition,
                $"position in {order.Symbol} would be {after:0.####}, beyond max position {limits.MaxPositionQuantity:0.####}", Math.Abs(after), limits.MaxPositionQuantity);

        if (-exposure.DailyPnl >= limits.MaxDailyLoss)
            return RiskDecision.Reject(RiskLimitNames.MaxDailyLoss,
                $"daily loss {-exposure.DailyPnl:0.##} has reached max daily loss {limits.MaxDailyLoss:0.##}: only reducing orders allowed", -exposure.DailyPnl, limits.MaxDailyLoss);

        return RiskDecision.Pass;
    }
}
