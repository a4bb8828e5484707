using AiTrading.Core.Trading;

namespace AiTrading.Core.Risk;

/// <summary>Per-account limits. Money amounts are in the account currency; quantities in base units.</summary>
public sealed record RiskLimits
{
    public decimal MaxPositionQuantity { get; init; } = 1_000_000m;
    public decimal MaxOrderNotional { get; init; } = 5_000_000m;
    public decimal MaxDailyLoss { get; init; } = 50_000m;

    /// <summary>Margin held per unit of gross notional (0.0333 = 30:1 leverage); the margin the positions need after the order may not exceed equity.</summary>
    public decimal MarginRate { get; init; } = 1m / 30m;

    /// <summary>The farthest a limit or stop price may sit from the last mid, in percent (fat-finger check).</summary>
    public decimal PriceBandPercent { get; init; } = 5m;

    /// <summary>Orders the account may send in any one second.</summary>
    public int MaxOrdersPerSecond { get; init; } = 50;

    /// <summary>The fall from peak equity, as a fraction, at which new risk stops and the kill switch engages.</summary>
    public decimal MaxDrawdown { get; init; } = 0.25m;

    /// <summary>The largest net exposure to any one currency other than the account's, in the account currency.</summary>
    public decimal MaxCurrencyExposure { get; init; } = 20_000_000m;

    public bool KillSwitch { get; init; }

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (MaxPositionQuantity <= 0) errors.Add(new("maxPositionQuantity", $"must be greater than 0 (got {MaxPositionQuantity})"));
        if (MaxOrderNotional <= 0) errors.Add(new("maxOrderNotional", $"must be greater than 0 (got {MaxOrderNotional})"));
        if (MaxDailyLoss <= 0) errors.Add(new("maxDailyLoss", $"must be greater than 0 (got {MaxDailyLoss})"));
        if (MarginRate is <= 0 or > 1) errors.Add(new("marginRate", $"must be in (0, 1] (got {MarginRate})"));
        if (PriceBandPercent is <= 0 or > 100) errors.Add(new("priceBandPercent", $"must be in (0, 100] (got {PriceBandPercent})"));
        if (MaxOrdersPerSecond is < 1 or > 100_000) errors.Add(new("maxOrdersPerSecond", $"must be between 1 and 100000 (got {MaxOrdersPerSecond})"));
        if (MaxDrawdown is <= 0 or > 1) errors.Add(new("maxDrawdown", $"must be in (0, 1] (got {MaxDrawdown})"));
        if (MaxCurrencyExposure <= 0) errors.Add(new("maxCurrencyExposure", $"must be greater than 0 (got {MaxCurrencyExposure})"));
        return errors;
    }
}

/// <summary>
/// What the risk check needs to know of the account: its signed position in the order's symbol, today's P&amp;L,
/// equity and its peak, the gross notional of all positions and the net exposure per currency other than
/// <see cref="AccountCurrency"/> (both in the account currency, at current marks).
/// </summary>
public sealed record AccountExposure(
    decimal Position,
    decimal DailyPnl,
    decimal Equity,
    decimal PeakEquity,
    decimal GrossNotional,
    IReadOnlyDictionary<string, decimal> CurrencyExposure,
    string AccountCurrency)
{
    /// <summary>The fall from peak equity as a fraction (0 at or above the peak).</summary>
    public decimal Drawdown => Portfolio.PortfolioValuation.DrawdownOf(Equity, PeakEquity);
}

/// <summary>
/// How the order is priced now: the price it would trade at (ask for buys, bid for sells, or its limit), the last
/// mid for the price band, the order's limit or stop price (null for market orders), the instrument's currencies
/// and their rates into the account currency.
/// </summary>
public readonly record struct OrderPricing(
    decimal ReferencePrice,
    decimal Mid,
    decimal? OrderPrice,
    string BaseCurrency,
    string QuoteCurrency,
    decimal BaseToAccountRate,
    decimal QuoteToAccountRate);

/// <summary>
/// The account's working orders (resting at a venue, not yet filled) in the order's instrument, per side: the quantity
/// still to fill and its notional in the account currency (at each order's limit or stop price, or the touch for a
/// market order); and <see cref="OtherNotional"/>, the most the working orders in other instruments could add to the
/// gross notional (the larger side per instrument). The default is no working orders.
/// </summary>
public readonly record struct WorkingExposure(decimal BuyQuantity, decimal BuyNotional, decimal SellQuantity, decimal SellNotional, decimal OtherNotional = 0)
{
    public decimal QuantityOn(OrderSide side) => side == OrderSide.Buy ? BuyQuantity : SellQuantity;

    public decimal NotionalOn(OrderSide side) => side == OrderSide.Buy ? BuyNotional : SellNotional;
}

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
    public const string PriceBand = "price_band";
    public const string MaxOrderNotional = "max_order_notional";
    public const string OrderRate = "order_rate";
    public const string MaxPosition = "max_position";
    public const string Margin = "margin";
    public const string MaxCurrencyExposure = "max_currency_exposure";
    public const string MaxDailyLoss = "max_daily_loss";
    public const string MaxDrawdown = "max_drawdown";
    public const string MarketData = "market_data";
}

/// <summary>
/// Pre-trade checks, in order: kill switch, price band, order notional, order rate (every order); then, for orders
/// that add risk: position, margin, currency exposure, daily loss and drawdown. Working orders count as if they
/// filled: the position checked is the worst case on the order's side (the position, every working order on that
/// side and this order), and their notional adds to the margin and currency checks. An order only reduces, and skips
/// the second group so a trader who hit a loss limit can still flatten, while that worst case at most flattens the
/// position; resting orders that together would cross zero do not. The kill switch blocks everything. Pure and
/// allocation-free apart from the rejection it returns.
/// </summary>
public static class PreTradeRisk
{
    /// <param name="throttle">the account's order-rate window (counts the order when everything else passes), or null</param>
    /// <param name="working">the account's working orders (none for immediate-or-cancel flows such as the backtester)</param>
    public static RiskDecision Check(OrderRequest order, RiskLimits limits, AccountExposure exposure, in OrderPricing pricing,
        OrderRateLimiter? throttle = null, DateTimeOffset now = default, in WorkingExposure working = default)
    {
        if (limits.KillSwitch)
            return RiskDecision.Reject(RiskLimitNames.KillSwitch, "kill switch is engaged: no new orders", 1, 0);

        if (pricing.OrderPrice is { } orderPrice && pricing.Mid > 0)
        {
            var distance = Math.Abs(orderPrice - pricing.Mid) / pricing.Mid * 100m;
            if (distance > limits.PriceBandPercent)
                return RiskDecision.Reject(RiskLimitNames.PriceBand,
                    $"price {orderPrice} is {distance:0.##}% from the mid {pricing.Mid}, beyond the {limits.PriceBandPercent:0.##}% band", distance, limits.PriceBandPercent);
        }

        var notional = order.Quantity * pricing.ReferencePrice * pricing.QuoteToAccountRate;
        if (notional > limits.MaxOrderNotional)
            return RiskDecision.Reject(RiskLimitNames.MaxOrderNotional,
                $"order notional {notional:0.##} exceeds max order notional {limits.MaxOrderNotional:0.##}", notional, limits.MaxOrderNotional);

        var sign = order.Side.Sign();
        var side = new SideExposure(working.QuantityOn(order.Side), working.QuantityOn(order.Side) + order.Quantity, working.NotionalOn(order.Side) + notional);
        var worst = exposure.Position + sign * side.Quantity;
        var reducesOnly = sign * exposure.Position < 0 && sign * worst <= 0;
        if (!reducesOnly && AddedRisk(order, limits, exposure, pricing, worst, side, working.OtherNotional) is { } rejection) return rejection;

        if (throttle is not null && !throttle.TryAcquire(now))
            return RiskDecision.Reject(RiskLimitNames.OrderRate,
                $"{throttle.Limit} orders in the last second already: the limit is {limits.MaxOrdersPerSecond} per second", throttle.Limit, limits.MaxOrdersPerSecond);
        return RiskDecision.Pass;
    }

    /// <summary>This order and the working orders on its side: the working quantity, and all of it with its notional.</summary>
    private readonly record struct SideExposure(decimal Working, decimal Quantity, decimal Notional);

    /// <param name="worst">the position once this order and every working order on its side filled</param>
    private static RiskDecision? AddedRisk(OrderRequest order, RiskLimits limits, AccountExposure exposure, in OrderPricing pricing,
        decimal worst, SideExposure side, decimal otherWorking)
    {
        if (Math.Abs(worst) > limits.MaxPositionQuantity)
            return RiskDecision.Reject(RiskLimitNames.MaxPosition,
                $"position in {order.Symbol} would be {worst:0.####}{WithWorking(order.Side, side.Working)}, beyond max position {limits.MaxPositionQuantity:0.####}",
                Math.Abs(worst), limits.MaxPositionQuantity);

        // The working orders are valued at their own prices: the side's average per unit in the account currency.
        var unitValue = side.Working == 0 ? pricing.ReferencePrice * pricing.QuoteToAccountRate : side.Notional / side.Quantity;
        var grossAfter = exposure.GrossNotional + otherWorking + (Math.Abs(worst) - Math.Abs(exposure.Position)) * unitValue;
        var margin = grossAfter * limits.MarginRate;
        if (margin > exposure.Equity)
            return RiskDecision.Reject(RiskLimitNames.Margin,
                $"the positions would need margin {margin:0.##}{(side.Working > 0 || otherWorking > 0 ? " once the working orders filled" : "")}, more than equity {exposure.Equity:0.##} at margin rate {limits.MarginRate:0.####}",
                margin, exposure.Equity);

        // A position is long its base currency and short its quote currency.
        var sign = order.Side.Sign();
        if (CurrencyBreach(exposure, pricing.BaseCurrency, sign * side.Quantity * pricing.BaseToAccountRate, limits) is { } baseBreach) return baseBreach;
        if (CurrencyBreach(exposure, pricing.QuoteCurrency, -sign * side.Notional, limits) is { } quoteBreach) return quoteBreach;

        if (-exposure.DailyPnl >= limits.MaxDailyLoss)
            return RiskDecision.Reject(RiskLimitNames.MaxDailyLoss,
                $"daily loss {-exposure.DailyPnl:0.##} has reached max daily loss {limits.MaxDailyLoss:0.##}: only reducing orders allowed", -exposure.DailyPnl, limits.MaxDailyLoss);

        if (exposure.Drawdown >= limits.MaxDrawdown)
            return RiskDecision.Reject(RiskLimitNames.MaxDrawdown,
                $"equity {exposure.Equity:0.##} is {exposure.Drawdown:P1} below its peak {exposure.PeakEquity:0.##}, at or beyond max drawdown {limits.MaxDrawdown:P1}: only reducing orders allowed",
                exposure.Drawdown, limits.MaxDrawdown);
        return null;
    }

    private static string WithWorking(OrderSide side, decimal working) =>
        working == 0 ? "" : $" with the working {(side == OrderSide.Buy ? "buys" : "sells")} of {working:0.####}";

    private static RiskDecision? CurrencyBreach(AccountExposure exposure, string currency, decimal change, RiskLimits limits)
    {
        if (change == 0 || currency == exposure.AccountCurrency) return null;
        var current = exposure.CurrencyExposure.TryGetValue(currency, out var c) ? c : 0m;
        var after = current + change;
        if (Math.Abs(after) <= limits.MaxCurrencyExposure || Math.Abs(after) <= Math.Abs(current)) return null;
        return RiskDecision.Reject(RiskLimitNames.MaxCurrencyExposure,
            $"net {currency} exposure would be {after:0.##}, beyond max currency exposure {limits.MaxCurrencyExposure:0.##}", Math.Abs(after), limits.MaxCurrencyExposure);
    }
}
