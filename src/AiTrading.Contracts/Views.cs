using AiTrading.Core.Audit;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Contracts;

[GenerateSerializer, Immutable, Alias("instrument-snapshot")]
public sealed record InstrumentSnapshot(
    [property: Id(0)] InstrumentSpec Spec,
    [property: Id(1)] Quote? Quote,
    [property: Id(2)] IReadOnlyList<Bar> MinuteBars,
    [property: Id(3)] IReadOnlyList<Bar> FiveMinuteBars,
    [property: Id(6)] long TickCount,
    // Ids 4 and 5 held the spine's single M1 feature dictionary and its time; they stay retired.
    [property: Id(7)] IReadOnlyList<FeatureVector> Features,
    // What this activation has taken from the feed since it started: bars and features are rebuilt from here.
    [property: Id(8)] DateTimeOffset? FirstTickTime = null,
    [property: Id(9)] DateTimeOffset? LastTickTime = null,
    // Ticks dropped as unusable (bad price or size, out of time order) or because the instrument was not configured.
    [property: Id(10)] long RejectedTicks = 0,
    // The recent bars of every timeframe the instrument builds (M1, M5 and those strategies asked for), by name.
    [property: Id(11)] IReadOnlyDictionary<string, IReadOnlyList<Bar>>? BarsByTimeframe = null)
{
    /// <summary>The recent bars of <paramref name="timeframe"/>; none when the instrument does not build it.</summary>
    public IReadOnlyList<Bar> BarsOf(Timeframe timeframe) =>
        BarsByTimeframe?.GetValueOrDefault(timeframe.Name) ?? (timeframe == Timeframe.M1 ? MinuteBars : timeframe == Timeframe.M5 ? FiveMinuteBars : []);
}

[GenerateSerializer, Immutable, Alias("order-view")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] OrderRequest Request,
    [property: Id(2)] OrderStatus Status,
    [property: Id(3)] decimal FilledQuantity,
    [property: Id(4)] decimal? AverageFillPrice,
    [property: Id(5)] string? Reason,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] IReadOnlyList<Fill> Fills,
    [property: Id(9)] RiskDecision? RiskRejection = null)
{
    /// <param name="riskRejection">the failed pre-trade check, for an order the risk gate rejected</param>
    public static OrderView From(Order order, RiskDecision? riskRejection = null) => new(order.OrderId, order.Request, order.Status,
        order.FilledQuantity, order.AverageFillPrice, order.Reason, order.CreatedAt, order.UpdatedAt, order.Fills.ToList(), riskRejection);

    public Order ToOrder() => Order.Restore(OrderId, Request, CreatedAt, Status, Reason, UpdatedAt, Fills);

    /// <summary>Order ids are derived from the account and the client's idempotency key.</summary>
    public static string IdFor(string account, string clientOrderId) => $"{account}:{clientOrderId}";

    /// <summary>The account part of an order id (account ids hold no ':'); an id without one is taken whole.</summary>
    public static string AccountOf(string orderId) => orderId.IndexOf(':') is var colon and >= 0 ? orderId[..colon] : orderId;
}

/// <summary>The answer to an order submission: the order as it now stands and the risk verdict it got.</summary>
[GenerateSerializer, Immutable, Alias("order-submission")]
public sealed record OrderSubmission(
    [property: Id(0)] OrderView Order,
    [property: Id(1)] RiskDecision Risk,
    [property: Id(2)] bool Duplicate)
{
    /// <summary>The answer to <paramref name="request"/> when its client order id already names <paramref name="existing"/>: that order, or a conflict if the requests differ.</summary>
    public static OrderSubmission Repeated(OrderView existing, OrderRequest request) => existing.Request == request
        ? new(existing, existing.RiskRejection ?? RiskDecision.Pass, Duplicate: true)
        : throw new ConflictException($"client order id '{request.ClientOrderId}' was already used for a different order ({existing.OrderId})");
}

/// <summary>
/// Where an approved order goes and what its check already knows, so nobody down the path asks again: the venue, the
/// quote it was priced on, and the rate from the instrument's quote currency into the account's.
/// </summary>
[GenerateSerializer, Immutable, Alias("order-routing")]
public sealed record OrderRouting(
    [property: Id(0)] string Venue,
    [property: Id(1)] Quote? Quote = null,
    [property: Id(2)] decimal? QuoteToAccountRate = null);


/// <summary>An account's valuation with what its risk limits make of it: the margin its positions use, the margin left, its drawdown.</summary>
[GenerateSerializer, Immutable, Alias("portfolio-statement")]
public sealed record PortfolioStatement(
    [property: Id(0)] Core.Portfolio.PortfolioValuation Valuation,
    [property: Id(1)] decimal MarginRate,
    [property: Id(2)] decimal MarginUsed,
    [property: Id(3)] decimal FreeMargin,
    [property: Id(4)] decimal Drawdown,
    [property: Id(5)] bool KillSwitch)
{
    public static PortfolioStatement Of(Core.Portfolio.PortfolioValuation valuation, RiskLimits limits)
    {
        var marginUsed = valuation.MarginUsed(limits.MarginRate);
        return new(valuation, limits.MarginRate, marginUsed, valuation.Equity - marginUsed, valuation.Drawdown, limits.KillSwitch);
    }
}

[GenerateSerializer, Immutable, Alias("audit-stream-info")]
public sealed record AuditStreamInfo([property: Id(0)] string Stream, [property: Id(1)] long Length, [property: Id(2)] string HeadHash);

/// <summary>
/// A record to append. <see cref="Key"/>, when given, makes the append idempotent: a stream that already holds a
/// record with that key stores nothing and answers that record (for writers that repeat an append after a crash).
/// </summary>
[GenerateSerializer, Immutable, Alias("audit-entry")]
public sealed record AuditEntry([property: Id(0)] string Kind, [property: Id(1)] string Payload, [property: Id(2)] string? Key = null);
