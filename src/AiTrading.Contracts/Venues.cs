using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;
using Orleans.Concurrency;

namespace AiTrading.Contracts;

/// <summary>What an order grain asks of the venue its order went to (the paper book of a symbol, an MT5 terminal).</summary>
[Alias("execution-venue")]
public interface IExecutionVenue : IGrainWithStringKey
{
    /// <summary>
    /// Places an order; returns what happened at once (fills against the current quote, a rejection, …). <paramref name="quote"/>
    /// is the quote the pre-trade check priced the order on: a venue that simulates fills takes it or a newer one it has.
    /// </summary>
    [Alias("submit")] Task<IReadOnlyList<ExecutionReport>> SubmitAsync(string orderId, OrderRequest request, Quote? quote);
    /// <summary>Cancels a working order; null when the venue does not hold it or has not confirmed the cancel yet.</summary>
    [Alias("cancel")] Task<ExecutionReport?> CancelAsync(string orderId, string reason);
    /// <summary>Changes a working order; empty when the venue does not hold it or refused the change.</summary>
    [Alias("replace")] Task<IReadOnlyList<ExecutionReport>> ReplaceAsync(string orderId, decimal quantity, decimal? limitPrice, decimal? stopPrice);
    [Alias("circuit"), ReadOnly, AlwaysInterleave] Task<VenueCircuitView> GetCircuitAsync();
}

/// <summary>The state of a venue's circuit breaker: "closed" (calls pass), "open" (rejected at once), "half-open" (one probe).</summary>
[GenerateSerializer, Immutable, Alias("venue-circuit")]
public sealed record VenueCircuitView(
    [property: Id(0)] string State,
    [property: Id(1)] int RecentFailures,
    [property: Id(2)] string? LastFailure,
    [property: Id(3)] DateTimeOffset? LastFailureAt,
    [property: Id(4)] DateTimeOffset? OpenedAt,
    [property: Id(5)] DateTimeOffset? ProbeAt);

/// <summary>
/// The bridge to one MetaTrader 5 terminal (key: the venue name, e.g. "mt5"). The gateway holds the terminal's
/// WebSocket and relays: commands go out through the <see cref="IMt5Terminal"/> observer of the live session and stay
/// pending until the terminal acknowledges them; executions come in, are applied to their orders exactly once (by
/// execution id) and only then acknowledged to the terminal, which resends what was not acknowledged.
/// </summary>
[Alias("mt5-bridge")]
public interface IMt5BridgeGrain : IExecutionVenue
{
    /// <summary>
    /// Checks the hello; a refused one names why. A new session of the same terminal replaces its previous one; another
    /// terminal is refused (<see cref="TerminalSession.VenueBusy"/>) while the connected one keeps its heartbeat.
    /// </summary>
    [Alias("connect")] Task<TerminalSession> ConnectAsync(TerminalHello hello, IMt5Terminal terminal);
    /// <summary>False when the session was replaced by a newer one (the caller should close its connection).</summary>
    [Alias("heartbeat"), AlwaysInterleave] Task<bool> HeartbeatAsync(long session);
    [Alias("disconnect")] Task DisconnectAsync(long session);
    /// <summary>Ticks of the terminal the gateway refused (far ahead of its clock, out of order), for the venue's status.</summary>
    [Alias("rejected-ticks"), AlwaysInterleave] Task ReportRejectedTicksAsync(long count);
    [Alias("acknowledge")] Task AcknowledgeAsync(TerminalAck ack);
    /// <summary>Applies one execution to its order (once per execution id); the terminal may be told once this returns.</summary>
    [Alias("execution")] Task<ExecutionOutcome> ReportExecutionAsync(TerminalExecution execution);
    [Alias("positions")] Task ReportPositionsAsync(IReadOnlyList<TerminalPosition> positions);
    [Alias("status"), ReadOnly, AlwaysInterleave] Task<Mt5VenueStatus> GetStatusAsync();
}

/// <summary>The gateway's end of a terminal's connection: it writes each command to the terminal's socket.</summary>
[Alias("mt5-terminal")]
public interface IMt5Terminal : IGrainObserver
{
    [Alias("deliver")] Task DeliverAsync(TerminalCommand command);
}

public enum TerminalCommandKind { Place = 1, Cancel = 2, Modify = 3 }

/// <summary>
/// One instruction to the terminal, numbered in the order it was issued. <see cref="Order"/> is set for a place;
/// quantity and prices for a modify; <see cref="Reason"/> for a cancel.
/// </summary>
[GenerateSerializer, Immutable, Alias("terminal-command")]
public sealed record TerminalCommand(
    [property: Id(0)] long Sequence,
    [property: Id(1)] TerminalCommandKind Kind,
    [property: Id(2)] string OrderId,
    [property: Id(3)] OrderRequest? Order = null,
    [property: Id(4)] decimal? Quantity = null,
    [property: Id(5)] decimal? LimitPrice = null,
    [property: Id(6)] decimal? StopPrice = null,
    [property: Id(7)] string? Reason = null);

[GenerateSerializer, Immutable, Alias("terminal-hello")]
public sealed record TerminalHello(
    [property: Id(0)] int Protocol,
    [property: Id(1)] string Venue,
    [property: Id(2)] string Token,
    [property: Id(3)] string Terminal);

/// <summary>The bridge's answer to a hello: the session, or why it was refused, and the commands still to deliver.</summary>
[GenerateSerializer, Immutable, Alias("terminal-session")]
public sealed record TerminalSession(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string? Refusal,
    [property: Id(2)] long Session,
    [property: Id(3)] int HeartbeatSeconds,
    [property: Id(4)] IReadOnlyList<TerminalCommand> Pending,
    [property: Id(5)] string? RefusalCode = null)
{
    /// <summary>Refusal codes, as the bridge's <c>error</c> message carries them.</summary>
    public const string Unauthorized = "unauthorized", VenueBusy = "venue_busy";
}

/// <summary>The terminal's answer to a command: done (with the terminal's ticket) or refused (with its reason).</summary>
[GenerateSerializer, Immutable, Alias("terminal-ack")]
public sealed record TerminalAck(
    [property: Id(0)] long Sequence,
    [property: Id(1)] bool Accepted,
    [property: Id(2)] string? Ticket,
    [property: Id(3)] string? Reason);

public enum TerminalExecutionKind { Fill = 1, Cancelled = 2, Expired = 3, Rejected = 4 }

/// <summary>Something that happened to an order at the terminal; <see cref="ExecutionId"/> is unique per terminal (a deal ticket for fills).</summary>
[GenerateSerializer, Immutable, Alias("terminal-execution")]
public sealed record TerminalExecution(
    [property: Id(0)] string ExecutionId,
    [property: Id(1)] string OrderId,
    [property: Id(2)] TerminalExecutionKind Kind,
    [property: Id(3)] decimal Quantity,
    [property: Id(4)] decimal Price,
    [property: Id(5)] DateTimeOffset Time,
    [property: Id(6)] string? Reason);

/// <summary>What became of a reported execution; every outcome is acknowledged to the terminal, so it stops resending.</summary>
public enum ExecutionOutcome { Applied = 1, Duplicate = 2, UnknownOrder = 3, Refused = 4 }

/// <summary>A position as the terminal reports it: signed quantity in units (lots × contract size).</summary>
[GenerateSerializer, Immutable, Alias("terminal-position")]
public sealed record TerminalPosition(
    [property: Id(0)] string Symbol,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] decimal AveragePrice,
    [property: Id(3)] decimal Profit);

[GenerateSerializer, Immutable, Alias("mt5-venue-status")]
public sealed record Mt5VenueStatus(
    [property: Id(0)] string Venue,
    [property: Id(1)] bool Connected,
    [property: Id(2)] string? Terminal,
    [property: Id(3)] long Session,
    [property: Id(4)] DateTimeOffset? LastHeartbeat,
    [property: Id(5)] int PendingCommands,
    [property: Id(6)] int WorkingOrders,
    [property: Id(7)] IReadOnlyList<TerminalPosition> Positions,
    [property: Id(8)] DateTimeOffset? PositionsAt,
    [property: Id(9)] VenueCircuitView Circuit,
    [property: Id(10)] long RejectedTicks = 0);
