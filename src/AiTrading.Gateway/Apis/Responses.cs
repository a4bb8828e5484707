using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;

namespace AiTrading.Gateway.Apis;

// The shapes the HTTP API answers with. Each is the grain's view laid out for JSON clients; whatever is derived from
// the view (margin, drawdown, ...) is computed in the grains and Core, not here.

/// <summary>An order as it stands, with its fills.</summary>
public sealed record OrderResponse(
    string OrderId, string ClientOrderId, string Account, string Symbol, OrderSide Side, OrderType Type, decimal Quantity, decimal? LimitPrice,
    decimal? StopPrice, TimeInForce TimeInForce, BracketRequest? Bracket, string? StrategyId, string? Venue, OrderStatus Status, decimal FilledQuantity,
    decimal? AverageFillPrice, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<Fill> Fills)
{
    public static OrderResponse From(OrderView o) => new(o.OrderId, o.Request.ClientOrderId, o.Request.Account, o.Request.Symbol, o.Request.Side,
        o.Request.Type, o.Request.Quantity, o.Request.LimitPrice, o.Request.StopPrice, o.Request.TimeInForce, o.Request.Bracket, o.Request.StrategyId,
        o.Request.Venue, o.Status, o.FilledQuantity, o.AverageFillPrice, o.Reason, o.CreatedAt, o.UpdatedAt, o.Fills);
}

/// <summary>An account's cash, P&amp;L, margin and positions.</summary>
public sealed record PortfolioResponse(
    string Account, string Currency, decimal Cash, decimal RealizedPnl, decimal UnrealizedPnl, decimal Equity, decimal DailyPnl, decimal GrossNotional,
    decimal MarginRate, decimal MarginUsed, decimal FreeMargin, decimal PeakEquity, decimal Drawdown, IReadOnlyDictionary<string, decimal> CurrencyExposure,
    bool KillSwitch, IReadOnlyList<PositionValuation> Positions)
{
    public static PortfolioResponse From(PortfolioStatement s)
    {
        var v = s.Valuation;
        return new(v.Account, v.Currency, v.Cash, v.RealizedPnl, v.UnrealizedPnl, v.Equity, v.DailyPnl, v.GrossNotional, s.MarginRate, s.MarginUsed,
            s.FreeMargin, v.PeakEquity, s.Drawdown, v.CurrencyExposure, s.KillSwitch, v.Positions);
    }
}

/// <summary>
/// An instrument: its spec, quote, the timeframes it builds bars for (M1, M5 and those its strategies asked for), and
/// per timeframe (keyed by the lower-case name) its recent bars and latest features (null while a feature warms up).
/// </summary>
public sealed record InstrumentResponse(
    string Symbol, InstrumentSpec Spec, Quote? Quote, long TickCount, DateTimeOffset? FirstTickTime, DateTimeOffset? LastTickTime, long RejectedTicks,
    IReadOnlyList<string> Timeframes, IReadOnlyDictionary<string, FeatureValues> Features, IReadOnlyDictionary<string, IReadOnlyList<BarResponse>> Bars)
{
    public static InstrumentResponse From(InstrumentSnapshot s)
    {
        var bars = s.BarsByTimeframe ?? new Dictionary<string, IReadOnlyList<Bar>> { [Timeframe.M1.Name] = s.MinuteBars, [Timeframe.M5.Name] = s.FiveMinuteBars };
        return new(s.Spec.Symbol, s.Spec, s.Quote, s.TickCount, s.FirstTickTime, s.LastTickTime, s.RejectedTicks, bars.Keys.ToList(),
            s.Features.ToDictionary(v => v.Timeframe.Name.ToLowerInvariant(), FeatureValues.From),
            bars.ToDictionary(b => b.Key.ToLowerInvariant(), b => (IReadOnlyList<BarResponse>)b.Value.Select(BarResponse.From).ToList()));
    }
}

public sealed record FeatureValues(DateTimeOffset Time, IReadOnlyDictionary<string, double?> Values)
{
    public static FeatureValues From(FeatureVector v) => new(v.Time, v.Values.ToDictionary(f => f.Key, f => double.IsFinite(f.Value) ? f.Value : (double?)null));
}

public sealed record BarResponse(DateTimeOffset OpenTime, double Open, double High, double Low, double Close, double Volume, long Ticks)
{
    public static BarResponse From(Bar b) => new(b.OpenTime, b.Open, b.High, b.Low, b.Close, b.Volume, b.TickCount);
}

public sealed record AuditStreamsResponse(IReadOnlyList<AuditStreamInfo> Streams);

public sealed record AuditRecordsResponse(string Stream, IReadOnlyList<AuditRecord> Records);

/// <summary>A strategy: its spec, lifecycle state and counters; <see cref="Duplicate"/> when a submission found it already there.</summary>
public sealed record StrategyResponse(
    string Id, int Version, string State, string? Reason, bool Duplicate, string SpecHash, StrategySpec Spec, IReadOnlyDictionary<string, StrategyHolding> Holdings,
    long BarsSeen, long Signals, long OrdersFilled, long OrdersRejected, StrategyEvent? LastEvent, DateTimeOffset SubmittedAt, DateTimeOffset UpdatedAt)
{
    public static StrategyResponse From(StrategyView v, bool duplicate = false) => new(v.Spec.Id, v.Spec.Version, v.State.ToString().ToLowerInvariant(), v.Reason,
        duplicate, v.SpecHash, v.Spec, v.Holdings, v.BarsSeen, v.Signals, v.OrdersFilled, v.OrdersRejected, v.LastEvent, v.SubmittedAt, v.UpdatedAt);
}

public sealed record StrategyListResponse(IReadOnlyList<StrategyResponse> Strategies);

/// <summary>A backtest run: state (QUEUED, RUNNING, COMPLETED, FAILED), progress in bars, and once completed the result.</summary>
public sealed record BacktestResponse(
    string Id, string State, long Bars, long Total, string? Error, decimal? FinalEquity, int Trades, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    JsonNode? Result)
{
    public static BacktestResponse From(BacktestView run) => new(run.Id, run.State.ToString().ToUpperInvariant(), run.Bars, run.Total, run.Error,
        run.FinalEquity, run.Trades, run.StartedAt, run.FinishedAt, run.ResultJson is { } json ? JsonNode.Parse(json) : null);
}

public sealed record ModelListResponse(IReadOnlyList<ModelView> Models);

/// <summary>A venue: a paper venue's books with their circuit breakers, or an MT5 terminal's connection.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PaperVenueResponse), "paper")]
[JsonDerivedType(typeof(Mt5VenueResponse), "mt5")]
public abstract record VenueResponse(string Venue);

public sealed record PaperVenueResponse(string Venue, IReadOnlyList<PaperBook> Books) : VenueResponse(Venue);

public sealed record PaperBook(string Symbol, VenueCircuitView Circuit);

public sealed record Mt5VenueResponse(
    string Venue, bool Connected, string? Terminal, long Session, DateTimeOffset? LastHeartbeat, int PendingCommands, int WorkingOrders,
    IReadOnlyList<TerminalPosition> Positions, DateTimeOffset? PositionsAt, VenueCircuitView Circuit, long RejectedTicks) : VenueResponse(Venue)
{
    public static Mt5VenueResponse From(Mt5VenueStatus s) => new(s.Venue, s.Connected, s.Terminal, s.Session, s.LastHeartbeat, s.PendingCommands,
        s.WorkingOrders, s.Positions, s.PositionsAt, s.Circuit, s.RejectedTicks);
}

public sealed record VenueListResponse(IReadOnlyList<VenueResponse> Venues);
