namespace AiTrading.Core.Trading;

public enum OrderSide { Buy = 1, Sell = 2 }

public enum OrderType { Market = 1, Limit = 2 }

public enum OrderStatus { New = 0, Accepted = 1, PartiallyFilled = 2, Filled = 3, Cancelled = 4, Rejected = 5 }

public static class OrderSideExtensions
{
    public static int Sign(this OrderSide side) => side == OrderSide.Buy ? 1 : -1;
    public static OrderSide Opposite(this OrderSide side) => side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;
}

/// <summary>
/// What a strategy or a client asks for. <see cref="ClientOrderId"/> is the caller's idempotency key;
/// <see cref="LimitPrice"/> is required for limit orders and forbidden for market orders.
/// </summary>
public sealed record OrderRequest(
    string ClientOrderId,
    string Account,
    string Symbol,
    OrderSide Side,
    decimal Quantity,
    OrderType Type = OrderType.Market,
    decimal? LimitPrice = null,
    string? StrategyId = null)
{
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "clientOrderId", ClientOrderId);
        Identifiers.Require(errors, "account", Account);
        Identifiers.Require(errors, "symbol", Symbol);
        if (!Enum.IsDefined(Side)) errors.Add(new("side", $"'{(int)Side}' is not a side (use BUY or SELL)"));
        if (!Enum.IsDefined(Type)) errors.Add(new("type", $"'{(int)Type}' is not an order type (use MARKET or LIMIT)"));
        if (Quantity <= 0) errors.Add(new("quantity", $"must be greater than 0 (got {Quantity})"));
        if (Type == OrderType.Limit && LimitPrice is null) errors.Add(new("limitPrice", "is required for a limit order"));
        if (Type == OrderType.Market && LimitPrice is not null) errors.Add(new("limitPrice", "must be empty for a market order"));
        if (LimitPrice is <= 0) errors.Add(new("limitPrice", $"must be greater than 0 (got {LimitPrice})"));
        return errors;
    }

    public void EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
    }
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
/// The order state machine: New → Accepted → PartiallyFilled* → Filled, with Rejected from New and
/// Cancelled from Accepted/PartiallyFilled. Terminal states accept nothing.
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
    public OrderRequest Request { get; }
    public OrderStatus Status { get; private set; } = OrderStatus.New;
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public decimal FilledQuantity { get; private set; }
    public decimal RemainingQuantity => Request.Quantity - FilledQuantity;
    public decimal? AverageFillPrice { get; private set; }
    public string? Reason { get; private set; }
    public IReadOnlyList<Fill> Fills => _fills;
    public bool IsTerminal => Status is OrderStatus.Filled or OrderStatus.Cancelled or OrderStatus.Rejected;

    public void Accept(DateTimeOffset time)
    {
        Require(Status == OrderStatus.New, "be accepted");
        Status = OrderStatus.Accepted;
        UpdatedAt = time;
    }

    public void Reject(string reason, DateTimeOffset time)
    {
        Require(Status == OrderStatus.New, "be rejected");
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

    public void ApplyFill(Fill fill)
    {
        Require(Status is OrderStatus.Accepted or OrderStatus.PartiallyFilled, "be filled");
        if (fill.OrderId != OrderId) throw new ArgumentException($"fill '{fill.FillId}' belongs to order '{fill.OrderId}', not '{OrderId}'", nameof(fill));
        if (fill.Side != Request.Side) throw new ArgumentException($"fill '{fill.FillId}' side {fill.Side} differs from order side {Request.Side}", nameof(fill));
        if (fill.Quantity <= 0 || fill.Quantity > RemainingQuantity)
            throw new ArgumentException($"fill '{fill.FillId}' quantity {fill.Quantity} is outside (0, {RemainingQuantity}]", nameof(fill));
        if (_fills.Any(f => f.FillId == fill.FillId)) return; // a redelivered execution report is applied once

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
        order.UpdatedAt = updatedAt;
        return order;
    }

    private void Require(bool allowed, string action)
    {
        if (!allowed) throw new InvalidOrderTransitionException(OrderId, Status, action);
    }
}
