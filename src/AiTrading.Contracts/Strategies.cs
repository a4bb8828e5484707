using AiTrading.Core.Strategies;

namespace AiTrading.Contracts;

/// <summary>validated → running ⇄ paused → stopped. A stopped strategy keeps its positions; a new version starts it again.</summary>
public enum StrategyLifecycle { Validated = 0, Running = 1, Paused = 2, Stopped = 3 }

/// <summary>
/// The strategy's position in one instrument, as its own fills made it, with its protective prices and the P&amp;L
/// its fills realised (account currency; today's from <see cref="PnlDay"/>).
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
    public static readonly StrategyHolding Flat = new(0, 0, 0, null, null, null, 0, default, 0);

    public StrategyPosition ToPosition() => new(Quantity, EntryPrice, BarsHeld,
        StopLoss is null && TakeProfit is null && TrailingStop is null ? null : new ProtectiveLevels(StopLoss, TakeProfit, TrailingStop));

    public StrategyHolding WithProtection(ProtectiveLevels? levels) =>
        this with { StopLoss = levels?.StopLoss, TakeProfit = levels?.TakeProfit, TrailingStop = levels?.TrailingStop };

    /// <summary>Books a fill of <paramref name="signedQuantity"/> at <paramref name="price"/>; realised P&amp;L converts at <paramref name="quoteToAccount"/>.</summary>
    public StrategyHolding Apply(decimal signedQuantity, decimal price, decimal quoteToAccount, DateOnly day)
    {
        var (after, entry, pnlInQuote) = Core.Portfolio.Position.AfterFill(Quantity, EntryPrice, signedQuantity, price);
        var pnl = pnlInQuote * quoteToAccount;
        var (realized, realizedToday) = (RealizedPnl + pnl, (PnlDay == day ? RealizedToday : 0) + pnl);
        var keepsSide = after != 0 && Quantity != 0 && Math.Sign(after) == Math.Sign(Quantity);
        return new(after, entry, keepsSide ? BarsHeld : 0, keepsSide ? StopLoss : null, keepsSide ? TakeProfit : null, keepsSide ? TrailingStop : null,
            realized, day, realizedToday);
    }
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
/// and the registry's models, the paper venue.
/// </summary>
public static class LiveStrategyCatalog
{
    public static readonly IReadOnlySet<string> Venues = new HashSet<string> { "paper" };

    public static StrategyCatalog For(IEnumerable<string> instruments, IEnumerable<string> registryModels) =>
        new(instruments.ToHashSet(StringComparer.Ordinal), null, registryModels.Append(Core.Models.BaselineDirectionModel.Name).ToHashSet(StringComparer.Ordinal), Venues);
}
