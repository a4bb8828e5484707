using AiTrading.Contracts;
using AiTrading.Core.Strategies;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("strategy-grain-state")]
public sealed class StrategyGrainState : IStrategyLedger
{
    [Id(0)] public StrategySpec? Spec { get; set; }
    [Id(1)] public string? SpecHash { get; set; }
    [Id(2)] public StrategyLifecycle State { get; set; }
    [Id(3)] public string? Reason { get; set; }
    /// <summary>Positions as state written before <see cref="Positions"/> held them (migrated on activation, then empty).</summary>
    [Id(4)] public Dictionary<string, StrategyHolding> Holdings { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public long BarsSeen { get; set; }
    [Id(6)] public long Signals { get; set; }
    [Id(7)] public long OrdersFilled { get; set; }
    [Id(8)] public long OrdersRejected { get; set; }
    [Id(9)] public StrategyEvent? LastEvent { get; set; }
    [Id(10)] public long EventSequence { get; set; }
    [Id(11)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(12)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(13)] public Dictionary<string, string> LastOrders { get; set; } = new(StringComparer.Ordinal);
    /// <summary>
    /// Instruments rebuild their bars after a restart and a persistent stream replays ticks behind its committed
    /// offsets, so bars this strategy already decided on come again; they are skipped rather than decided (and audited) twice.
    /// </summary>
    [Id(14)] public Dictionary<string, DateTimeOffset> LastBars { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Working signals as state written before <see cref="Working"/> held them (migrated on activation, then empty).</summary>
    [Id(15)] public Dictionary<string, PendingSignal> Pending { get; set; } = new(StringComparer.Ordinal);
    [Id(16)] public Dictionary<string, HeldPosition> Positions { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Stored before a signal's decision is audited, removed with the outcome booked: one cut short by a silo's death is finished once.</summary>
    [Id(17)] public Dictionary<string, SignalOrder> Working { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Moves positions and working signals stored in the old shapes into the current ones.</summary>
    public void Migrate(Func<string, string> quoteCurrencyOf)
    {
        foreach (var (symbol, holding) in Holdings) Positions.TryAdd(symbol, holding.ToHeld(symbol, quoteCurrencyOf(symbol)));
        foreach (var (symbol, pending) in Pending)
        {
            // The old signal carried the position it would be booked on.
            Positions[symbol] = pending.Holding.ToHeld(symbol, quoteCurrencyOf(symbol));
            Working[symbol] = pending.ToSignalOrder();
        }
        Holdings.Clear();
        Pending.Clear();
    }
}

/// <summary>A working signal as state written before <see cref="SignalOrder"/> held it: kept readable to be migrated.</summary>
[GenerateSerializer, Immutable, Alias("strategy-pending-signal")]
public sealed record PendingSignal(
    [property: Id(0)] string ClientOrderId,
    [property: Id(1)] DateTimeOffset BarTime,
    [property: Id(2)] StrategyHolding Holding,
    [property: Id(3)] decimal TargetPosition,
    [property: Id(4)] decimal? StopLoss,
    [property: Id(5)] decimal? TakeProfit,
    [property: Id(6)] decimal? TrailingStop,
    [property: Id(7)] decimal? QuoteToAccountRate,
    [property: Id(8)] DateTimeOffset SourcePublishedAt,
    [property: Id(9)] string Decision,
    [property: Id(10)] string SignalMessage,
    [property: Id(11)] string? LimitRefusal,
    [property: Id(12)] string? LimitMessage)
{
    public SignalOrder ToSignalOrder() => new(ClientOrderId, BarTime, Holding.Quantity, TargetPosition,
        ProtectiveLevels.Of(StopLoss, TakeProfit, TrailingStop), QuoteToAccountRate, SourcePublishedAt,
        Decision, SignalMessage, LimitRefusal, LimitMessage);
}
