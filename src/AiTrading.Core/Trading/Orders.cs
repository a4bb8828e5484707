namespace AiTrading.Core.Trading;

public enum OrderSide { Buy = 1, Sell = 2 }

/// <summary>Market; limit (at the limit or better); stop (a market order once the market touches the stop); stop-limit (a limit order once touched).</summary>
public enum OrderType { Market = 1, Limit = 2, Stop = 3, StopLimit = 4 }

/// <summary>
/// Good till cancelled; immediate or cancel (fill what can be filled now, cancel the rest); fill or kill (all now or
/// nothing); day (cancelled at the end of the UTC day it was accepted on).
/// </summary>
public enum TimeInForce { Gtc = 1, Ioc = 2, Fok = 3, Day = 4 }

public enum OrderStatus { New = 0, Accepted = 1, PartiallyFilled = 2, Filled = 3, Cancelled = 4, Rejected = 5, Expired = 6 }

public static class OrderSideExtensions
{
    public static int Sign(this OrderSide side) => side == OrderSide.Buy ? 1 : -1;
    public static OrderSide Opposite(this OrderSide side) => side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;
}

public static class OrderStatusExtensions
{
    /// <summary>Whether an order in this status is done: nothing more fills.</summary>
    public static bool IsTerminal(this OrderStatus status) => status is OrderStatus.Filled or OrderStatus.Cancelled or OrderStatus.Rejected or OrderStatus.Expired;
}

/// <summary>
/// The protective legs of a bracket: once the entry fills, a stop at <see cref="StopLossPrice"/> and a limit at
/// <see cref="TakeProfitPrice"/> on the other side for the filled quantity, one cancelling the other.
/// </summary>
public sealed record BracketRequest(decimal? StopLossPrice, decimal? TakeProfitPrice)
{
    /// <summary>The order id of an entry's stop-loss ("sl") or take-profit ("tp") leg.</summary>
    public static string LegId(string entryOrderId, string leg) => $"{entryOrderId}/{leg}";

    /// <summary>The entry order id of a leg's order id; null for an order id that names no leg.</summary>
    public static string? EntryOf(string orderId) =>
        orderId.EndsWith("/sl", StringComparison.Ordinal) || orderId.EndsWith("/tp", StringComparison.Ordinal) ? orderId[..^3] : null;

    /// <summary>The legs this bracket opens for <paramref name="entryOrderId"/>: their order ids and stop or limit prices.</summary>
    public IEnumerable<(string OrderId, decimal Price)> LegsOf(string entryOrderId)
    {
        if (StopLossPrice is { } stop) yield return (LegId(entryOrderId, "sl"), stop);
        if (TakeProfitPrice is { } profit) yield return (LegId(entryOrderId, "tp"), profit);
    }
}

/// <summary>
/// What a strategy or a client asks for. <see cref="ClientOrderId"/> is the caller's idempotency key.
/// <see cref="LimitPrice"/> is required for limit and stop-limit orders, <see cref="StopPrice"/> for stop and
/// stop-limit orders, and neither is allowed where the type does not use it. <see cref="Venue"/> names where the
/// order goes; null means the account's default venue.
/// </summary>
public sealed record OrderRequest(
    string ClientOrderId,
    string Account,
    string Symbol,
    OrderSide Side,
    decimal Quantity,
    OrderType Type = OrderType.Market,
    decimal? LimitPrice = null,
    string? StrategyId = null,
    decimal? StopPrice = null,
    TimeInForce TimeInForce = TimeInForce.Gtc,
    BracketRequest? Bracket = null,
    string? Venue = null)
{
    public bool UsesLimit => Type is OrderType.Limit or OrderType.StopLimit;
    public bool UsesStop => Type is OrderType.Stop or OrderType.StopLimit;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "clientOrderId", ClientOrderId);
        Identifiers.Require(errors, "account", Account);
        Identifiers.Require(errors, "symbol", Symbol);
        if (Venue is not null) Identifiers.Require(errors, "venue", Venue);
        if (!Enum.IsDefined(Side)) errors.Add(new("side", $"'{(int)Side}' is not a side (use BUY or SELL)"));
        if (!Enum.IsDefined(Type)) errors.Add(new("type", $"'{(int)Type}' is not an order type (use MARKET, LIMIT, STOP or STOP_LIMIT)"));
        if (!Enum.IsDefined(TimeInForce)) errors.Add(new("timeInForce", $"'{(int)TimeInForce}' is not a time in force (use GTC, IOC, FOK or DAY)"));
        if (Quantity <= 0) errors.Add(new("quantity", $"must be greater than 0 (got {Quantity})"));
        Bounds.Quantity(errors, "quantity", Quantity);
        Bounds.Price(errors, "limitPrice", LimitPrice);
        Bounds.Price(errors, "stopPrice", StopPrice);
        if (UsesLimit && LimitPrice is null) errors.Add(new("limitPrice", $"is required for a {Describe(Type)} order"));
        if (!UsesLimit && LimitPrice is not null) errors.Add(new("limitPrice", $"must be empty for a {Describe(Type)} order"));
        if (LimitPrice is <= 0) errors.Add(new("limitPrice", $"must be greater than 0 (got {LimitPrice})"));
        if (UsesStop && StopPrice is null) errors.Add(new("stopPrice", $"is required for a {Describe(Type)} order"));
        if (!UsesStop && StopPrice is not null) errors.Add(new("stopPrice", $"must be empty for a {Describe(Type)} order"));
        if (StopPrice is <= 0) errors.Add(new("stopPrice", $"must be greater than 0 (got {StopPrice})"));
        if (Bracket is { } bracket)
        {
            if (bracket.StopLossPrice is null && bracket.TakeProfitPrice is null) errors.Add(new("bracket", "needs a stopLossPrice, a takeProfitPrice or both"));
            if (bracket.StopLossPrice is <= 0) errors.Add(new("bracket.stopLossPrice", $"must be greater than 0 (got {bracket.StopLossPrice})"));
            if (bracket.TakeProfitPrice is <= 0) errors.Add(new("bracket.takeProfitPrice", $"must be greater than 0 (got {bracket.TakeProfitPrice})"));
            Bounds.Price(errors, "bracket.stopLossPrice", bracket.StopLossPrice);
            Bounds.Price(errors, "bracket.takeProfitPrice", bracket.TakeProfitPrice);
            if (bracket is { StopLossPrice: > 0 and var stop, TakeProfitPrice: > 0 and var profit } && (Side == OrderSide.Buy ? stop >= profit : stop <= profit))
                errors.Add(new("bracket", $"a {(Side == OrderSide.Buy ? "buy" : "sell")}'s stop loss must be {(Side == OrderSide.Buy ? "below" : "above")} its take profit (got {stop} and {profit})"));
        }
        if (TimeInForce is TimeInForce.Ioc or TimeInForce.Fok && UsesStop)
            errors.Add(new("timeInForce", "an IOC or FOK stop order cancels as soon as it is placed; use GTC or DAY"));
        return errors;
    }

    public void EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    private static string Describe(OrderType type) => type switch
    {
        OrderType.Market => "market",
        OrderType.Limit => "limit",
        OrderType.Stop => "stop",
        OrderType.StopLimit => "stop-limit",
        _ => type.ToString(),
    };
}

/// <summary>One execution against an order.</summary>
public sealed record Fill(
    string FillId,
    string OrderId,
    string Account,
    string Symbol,
    OrderSide Side,
    decimal Quantity,
    decimal Price,
    DateTimeOffset Time,
    string Venue);

/// <summary>Thrown when an order is driven through a transition its state machine does not allow.</summary>
public sealed class InvalidOrderTransitionException(string orderId, OrderStatus from, string action)
    : InvalidOperationException($"order '{orderId}' cannot {action} while {from}")
{
    public OrderStatus From { get; } = from;
}

/// <summary>
/// The order state machine: New → Accepted → PartiallyFilled* → Filled, with Rejected from New and Cancelled or
/// Expired from Accepted/PartiallyFilled; a working order can be replaced (new quantity and prices). Terminal states
/// accept nothing.
/// </summary>
public sealed class Order
{
    private readonly List<Fill> _fills = [];

    public Order(string orderId, OrderRequest request, DateTimeOffset createdAt)
    {
        OrderId = orderId;
        Request = request;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string OrderId { get; }
    public OrderRequest Request { get; private set; }
    public OrderStatus Status { get; private set; } = OrderStatus.New;
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public decimal FilledQuantity { get; private set; }
    public decimal RemainingQuantity => Request.Quantity - FilledQuantity;
    public decimal? AverageFillPrice { get; private set; }
    public string? Reason { get; private set; }
    public IReadOnlyList<Fill> Fills => _fills;
    public bool IsTerminal => Status.IsTerminal();

    public void Accept(DateTimeOffset time)
    {
        Require(Status == OrderStatus.New, "be accepted");
        Status = OrderStatus.Accepted;
        UpdatedAt = time;
    }

    /// <summary>Refused before anything traded: by the risk gate (new) or by the venue (accepted, nothing filled).</summary>
    public void Reject(string reason, DateTimeOffset time)
    {
        Require(Status is OrderStatus.New or OrderStatus.Accepted, "be rejected");
        Status = OrderStatus.Rejected;
        Reason = reason;
        UpdatedAt = time;
    }

    public void Cancel(string reason, DateTimeOffset time)
    {
        Require(Status is OrderStatus.Accepted or OrderStatus.PartiallyFilled, "be cancelled");
        Status = OrderStatus.Cancelled;
        Reason = reason;
        UpdatedAt = time;
    }

    /// <summary>A DAY order whose day ended while it was working.</summary>
    public void Expire(string reason, DateTimeOffset time)
    {
        Require(Status is OrderStatus.Accepted or OrderStatus.PartiallyFilled, "expire");
        Status = OrderStatus.Expired;
        Reason = reason;
        UpdatedAt = time;
    }

    /// <summary>Changes a working order's quantity and prices (cancel/replace); the type, side and time in force stay.</summary>
    /// <exception cref="ValidationException">The new quantity is not above what has filled, or the prices do not suit the type.</exception>
    public void Replace(decimal quantity, decimal? limitPrice, decimal? stopPrice, DateTimeOffset time)
    {
        Require(Status is OrderStatus.Accepted or OrderStatus.PartiallyFilled, "be replaced");
        var replaced = Request with { Quantity = quantity, LimitPrice = limitPrice, StopPrice = stopPrice };
        var errors = replaced.Validate().ToList();
        if (quantity <= FilledQuantity) errors.Add(new("quantity", $"must be more than the {FilledQuantity} already filled (got {quantity})"));
        if (errors.Count > 0) throw new ValidationException(errors);
        Request = replaced;
        UpdatedAt = time;
    }

    /// <summary>Books an execution; one redelivered (a fill id seen before) changes nothing, whatever the state.</summary>
    public void ApplyFill(Fill fill)
    {
        if (_fills.Any(f => f.FillId == fill.FillId)) return;
        Require(Status is OrderStatus.Accepted or OrderStatus.PartiallyFilled, "be filled");
        if (fill.OrderId != OrderId) throw new ArgumentException($"fill '{fill.FillId}' belongs to order '{fill.OrderId}', not '{OrderId}'", nameof(fill));
        if (fill.Side != Request.Side) throw new ArgumentException($"fill '{fill.FillId}' side {fill.Side} differs from order side {Request.Side}", nameof(fill));
        if (fill.Quantity <= 0 || fill.Quantity > RemainingQuantity)
            throw new ArgumentException($"fill '{fill.FillId}' quantity {fill.Quantity} is outside (0, {RemainingQuantity}]", nameof(fill));

        var notional = (AverageFillPrice ?? 0m) * FilledQuantity + fill.Price * fill.Quantity;
        FilledQuantity += fill.Quantity;
        AverageFillPrice = notional / FilledQuantity;
        _fills.Add(fill);
        Status = FilledQuantity == Request.Quantity ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
        UpdatedAt = fill.Time;
    }

    /// <summary>Rebuilds an order from persisted facts, replaying the same transitions.</summary>
    public static Order Restore(string orderId, OrderRequest request, DateTimeOffset createdAt, OrderStatus status,
        string? reason, DateTimeOffset updatedAt, IEnumerable<Fill> fills)
    {
        var order = new Order(orderId, request, createdAt);
        if (status == OrderStatus.Rejected) { order.Reject(reason ?? "", updatedAt); return order; }
        if (status == OrderStatus.New) return order;
        order.Accept(createdAt);
        foreach (var fill in fills) order.ApplyFill(fill);
        if (status == OrderStatus.Cancelled) order.Cancel(reason ?? "", updatedAt);
        if (status == OrderStatus.Expired) order.Expire(reason ?? "", updatedAt);
        order.UpdatedAt = updatedAt;
        return order;
    }

    private void Require(bool allowed, string action)
    {
        if (!allowed) throw new InvalidOrderTransitionException(OrderId, Status, action);
    }
}
