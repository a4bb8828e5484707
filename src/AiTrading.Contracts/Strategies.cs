using AiTrading.Core.Portfolio;
using AiTrading.Core.Strategies;

namespace AiTrading.Contracts;

/// <summary>validated → running ⇄ paused → stopped. A stopped strategy keeps its positions; a new version starts it again.</summary>
public enum StrategyLifecycle { Validated = 0, Running = 1, Paused = 2, Stopped = 3 }

/// <summary>
/// The strategy's position in one instrument as a view shows it (<see cref="HeldPosition"/> holds it), with its
/// protective prices and the P&amp;L its fills realised (account currency; today's from <see cref="PnlDay"/>).
/// State written before positions were stored as <see cref="HeldPosition"/> holds these; they are migrated on activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("strategy-holding")]
public sealed record StrategyHolding(
    [property: Id(0)] decimal Quantity,
    [property: Id(1)] decimal EntryPrice,
    [property: Id(2)] int BarsHeld,
    [property: Id(3)] decimal? StopLoss,
    [property: Id(4)] decimal? TakeProfit,
    [property: Id(5)] decimal? TrailingStop,
    [property: Id(6)] decimal RealizedPnl,
    [property: Id(7)] DateOnly PnlDay,
    [property: Id(8)] decimal RealizedToday)
{
    public static StrategyHolding Of(HeldPosition held) => new(held.Quantity, held.EntryPrice, held.BarsHeld, held.Protection?.StopLoss,
        held.Protection?.TakeProfit, held.Protection?.TrailingStop, held.RealizedPnl, held.PnlDay, held.RealizedToday);

    /// <summary>The stored position this view describes (a migrated one has the realised P&amp;L in the account currency only).</summary>
    public HeldPosition ToHeld(string symbol, string quoteCurrency) =>
        new(new Position(symbol, quoteCurrency, Quantity, EntryPrice, 0), BarsHeld, ProtectiveLevels.Of(StopLoss, TakeProfit, TrailingStop), RealizedPnl, PnlDay, RealizedToday);
}

[GenerateSerializer, Alias("held-position")]
public struct HeldPositionSurrogate
{
    [Id(0)] public Position Position; [Id(1)] public int BarsHeld; [Id(2)] public decimal? StopLoss; [Id(3)] public decimal? TakeProfit;
    [Id(4)] public decimal? TrailingStop; [Id(5)] public decimal RealizedPnl; [Id(6)] public DateOnly PnlDay; [Id(7)] public decimal RealizedToday;
}

[RegisterConverter]
public sealed class HeldPositionConverter : IConverter<HeldPosition, HeldPositionSurrogate>
{
    public HeldPosition ConvertFromSurrogate(in HeldPositionSurrogate s) =>
        new(s.Position, s.BarsHeld, ProtectiveLevels.Of(s.StopLoss, s.TakeProfit, s.TrailingStop), s.RealizedPnl, s.PnlDay, s.RealizedToday);

    public HeldPositionSurrogate ConvertToSurrogate(in HeldPosition v) => new()
    {
        Position = v.Position, BarsHeld = v.BarsHeld, StopLoss = v.Protection?.StopLoss, TakeProfit = v.Protection?.TakeProfit,
        TrailingStop = v.Protection?.TrailingStop, RealizedPnl = v.RealizedPnl, PnlDay = v.PnlDay, RealizedToday = v.RealizedToday,
    };
}

[GenerateSerializer, Alias("signal-order")]
public struct SignalOrderSurrogate
{
    [Id(0)] public string ClientOrderId; [Id(1)] public DateTimeOffset BarTime; [Id(2)] public decimal Current; [Id(3)] public decimal TargetPosition;
    [Id(4)] public decimal? StopLoss; [Id(5)] public decimal? TakeProfit; [Id(6)] public decimal? TrailingStop; [Id(7)] public decimal? QuoteToAccountRate;
    [Id(8)] public DateTimeOffset SourcePublishedAt; [Id(9)] public string Decision; [Id(10)] public string SignalMessage; [Id(11)] public string? LimitRefusal;
    [Id(12)] public string? LimitMessage;
}

[RegisterConverter]
public sealed class SignalOrderConverter : IConverter<SignalOrder, SignalOrderSurrogate>
{
    public SignalOrder ConvertFromSurrogate(in SignalOrderSurrogate s) => new(s.ClientOrderId, s.BarTime, s.Current, s.TargetPosition,
        ProtectiveLevels.Of(s.StopLoss, s.TakeProfit, s.TrailingStop), s.QuoteToAccountRate, s.SourcePublishedAt, s.Decision, s.SignalMessage, s.LimitRefusal,
        s.LimitMessage);

    public SignalOrderSurrogate ConvertToSurrogate(in SignalOrder v) => new()
    {
        ClientOrderId = v.ClientOrderId, BarTime = v.BarTime, Current = v.Current, TargetPosition = v.TargetPosition, StopLoss = v.Protection?.StopLoss,
        TakeProfit = v.Protection?.TakeProfit, TrailingStop = v.Protection?.TrailingStop, QuoteToAccountRate = v.QuoteToAccountRate,
        SourcePublishedAt = v.SourcePublishedAt, Decision = v.Decision, SignalMessage = v.SignalMessage, LimitRefusal = v.LimitRefusal, LimitMessage = v.LimitMessage,
    };
}

/// <summary>Something that happened to a strategy, in order (<see cref="Sequence"/>), as <see cref="StreamNames.StrategyEvents"/> carries it.</summary>
[GenerateSerializer, Immutable, Alias("strategy-event")]
public sealed record StrategyEvent(
    [property: Id(0)] string StrategyId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] DateTimeOffset Time,
    [property: Id(3)] string Kind,
    [property: Id(4)] string? Symbol,
    [property: Id(5)] string Message,
    [property: Id(6)] string? ClientOrderId = null,
    [property: Id(7)] decimal? Quantity = null,
    [property: Id(8)] decimal? Price = null);

public static class StrategyEventKinds
{
    /// <summary>Submitted, new version, running, paused (with the reason), resumed, stopped.</summary>
    public const string Lifecycle = "lifecycle";
    /// <summary>An engine decision that changes the position (or would, but for a gate or a limit).</summary>
    public const string Signal = "signal";
    /// <summary>An order sent, and how it ended.</summary>
    public const string Order = "order";
    public const string Fill = "fill";
    /// <summary>An order refused by the strategy's limits or the account's risk gate.</summary>
    public const string Risk = "risk";

    public static string Of(StrategyNoticeKind kind) => kind switch
    {
        StrategyNoticeKind.Lifecycle => Lifecycle,
        StrategyNoticeKind.Signal => Signal,
        StrategyNoticeKind.Order => Order,
        StrategyNoticeKind.Fill => Fill,
        StrategyNoticeKind.Risk => Risk,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no strategy event kind"),
    };
}

/// <summary>A strategy as it stands.</summary>
[GenerateSerializer, Immutable, Alias("strategy-view")]
public sealed record StrategyView(
    [property: Id(0)] StrategySpec Spec,
    [property: Id(1)] string SpecHash,
    [property: Id(2)] StrategyLifecycle State,
    [property: Id(3)] string? Reason,
    [property: Id(4)] IReadOnlyDictionary<string, StrategyHolding> Holdings,
    [property: Id(5)] long BarsSeen,
    [property: Id(6)] long Signals,
    [property: Id(7)] long OrdersFilled,
    [property: Id(8)] long OrdersRejected,
    [property: Id(9)] StrategyEvent? LastEvent,
    [property: Id(10)] DateTimeOffset SubmittedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] IReadOnlyList<double> TickToFillMicroseconds);

/// <summary>The answer to a submission: the strategy, and whether it was already there with this content.</summary>
[GenerateSerializer, Immutable, Alias("strategy-submission")]
public sealed record StrategySubmission([property: Id(0)] StrategyView Strategy, [property: Id(1)] bool Duplicate);

/// <summary>
/// What a live cluster offers a strategy spec (see <see cref="StrategyCatalog"/>): bars of every timeframe from S1 to
/// D366 (instruments build M1 and M5 always and any other timeframe once a strategy asks for it), the baseline model
/// and the registry's models, the venues the silo routes to (the paper venue when none are given).
/// </summary>
public static class LiveStrategyCatalog
{
    public static StrategyCatalog For(IEnumerable<string> instruments, IEnumerable<string> registryModels, IEnumerable<string>? venues = null) =>
        new(instruments.ToHashSet(StringComparer.Ordinal), null, registryModels.Append(Core.Models.BaselineDirectionModel.Name).ToHashSet(StringComparer.Ordinal),
            (venues ?? ["paper"]).ToHashSet(StringComparer.Ordinal));
}
