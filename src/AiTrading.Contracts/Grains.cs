using AiTrading.Core.Audit;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Orleans.Concurrency;

namespace AiTrading.Contracts;

/// <summary>One instrument (key: symbol). Ticks arrive on the <see cref="StreamNames.Ticks"/> stream.</summary>
[Alias("instrument")]
public interface IInstrumentGrain : IGrainWithStringKey
{
    /// <summary>Declares the instrument tradable. Until then reads answer not found and ticks are refused.</summary>
    [Alias("configure")] Task ConfigureAsync(InstrumentSpec spec);
    [Alias("snapshot"), ReadOnly] Task<InstrumentSnapshot> GetSnapshotAsync(int barCount);
    /// <summary>
    /// Builds bars of <paramref name="timeframe"/> too, with their feature vector on the bars stream, from the next
    /// tick on, and keeps doing so after a restart (M1 and M5 are always built; a strategy asks for its own timeframe
    /// when it starts). Idempotent; a name <see cref="Core.MarketData.Timeframe.TryParseName"/> refuses, or one
    /// timeframe more than the instrument keeps, is a validation error on "timeframe" that changes nothing.
    /// </summary>
    [Alias("serve-timeframe")] Task ServeTimeframeAsync(string timeframe);
    [Alias("spec"), ReadOnly] Task<InstrumentSpec> GetSpecAsync();
    /// <summary>The latest quote, or null before the first tick. Unknown instrument → not found.</summary>
    [Alias("quote"), ReadOnly, AlwaysInterleave] Task<Quote?> GetQuoteAsync();
}

/// <summary>
/// A submitted strategy (key: strategy id) fed by the <see cref="StreamNames.Bars"/> streams of its instruments;
/// its events go out on <see cref="StreamNames.StrategyEvents"/>.
/// </summary>
[Alias("strategy")]
public interface IStrategyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Validates and starts the spec (every problem at once). The same id and content again: the existing strategy,
    /// <see cref="StrategySubmission.Duplicate"/>. Other content: a conflict, unless its version is higher, which
    /// replaces the spec and keeps the positions.
    /// </summary>
    [Alias("submit")] Task<StrategySubmission> SubmitAsync(Core.Strategies.StrategySpec spec);
    /// <summary>The strategy, or null if none has this id.</summary>
    [Alias("get"), ReadOnly] Task<StrategyView?> GetAsync();
    [Alias("pause")] Task<StrategyView> PauseAsync(string reason);
    [Alias("resume")] Task<StrategyView> ResumeAsync();
    [Alias("stop")] Task<StrategyView> StopAsync();
    /// <summary>
    /// The order the strategy sent for <paramref name="symbol"/>'s working signal has its answer: the strategy books it
    /// in a turn of its own (the call the strategy makes to itself once the order path answers; a repeated or stale
    /// one books nothing).
    /// </summary>
    [Alias("order-settled"), OneWay] Task OrderSettledAsync(string symbol, string clientOrderId);
}

/// <summary>The pre-trade gate of one account (key: account). Every order passes here before any venue sees it.</summary>
[Alias("risk")]
public interface IRiskGrain : IGrainWithStringKey
{
    [Alias("submit")] Task<OrderSubmission> SubmitOrderAsync(OrderRequest request);
    /// <summary>Cancel/replace of a working order of this account: the changed order passes the pre-trade checks again.</summary>
    [Alias("replace")] Task<OrderSubmission> ReplaceOrderAsync(string orderId, decimal quantity, decimal? limitPrice, decimal? stopPrice);
    /// <summary>The account's limits, with the kill switch engaged while its own or the global switch is. Unknown account → not found.</summary>
    [Alias("limits"), ReadOnly] Task<RiskLimits> GetLimitsAsync();
    /// <summary>Engages (cancelling the working orders this gate placed) or releases the account's own kill switch, audited with who did it.</summary>
    [Alias("set-kill-switch")] Task SetKillSwitchAsync(bool engaged, string reason, string by);
    [Alias("get-kill-switch"), AlwaysInterleave] Task<Core.Accounts.KillSwitchState> GetKillSwitchAsync();
    /// <summary>From the account's registry entry once its limits changed.</summary>
    [Alias("account-changed")] Task OnAccountChangedAsync(AccountRecord account);
    /// <summary>From the global kill switch whenever it changes: engaging it cancels the working orders this gate placed.</summary>
    [Alias("global-kill-switch")] Task OnGlobalKillSwitchAsync(Core.Accounts.KillSwitchState global);
}

/// <summary>One order (key: <see cref="OrderView.IdFor"/>) and its state machine.</summary>
[Alias("order")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Called by the risk grain with its verdict: an approved order is accepted, routed to the venue with the quote the
    /// check priced it on, and its fills booked; a refused one exists, rejected. An order that exists already is
    /// answered as a duplicate (a different request under its client order id is a conflict).
    /// </summary>
    [Alias("place")] Task<OrderSubmission> PlaceAsync(OrderRequest request, RiskDecision decision, OrderRouting routing);
    /// <summary>The order, or null if no order has this id.</summary>
    [Alias("get"), ReadOnly, AlwaysInterleave] Task<OrderView?> GetAsync();
    /// <summary>A report from the venue (fills, triggers, cancels, bracket legs); a report seen before changes nothing.</summary>
    [Alias("on-execution")] Task OnExecutionAsync(ExecutionReport report);
    /// <summary>Cancels the order if it is still working; a done order is answered as it is.</summary>
    [Alias("cancel")] Task<OrderView> CancelAsync(string reason);
    /// <summary>Called by the risk grain once the change passed: new quantity and prices for a working order.</summary>
    [Alias("replace")] Task<OrderView> ReplaceAsync(decimal quantity, decimal? limitPrice, decimal? stopPrice);
}

/// <summary>
/// One venue's book for one symbol (key: <see cref="KeyFor"/>, e.g. "paper/EURUSD"): it holds the working orders,
/// matches them against every tick, and delivers each <see cref="ExecutionReport"/> to its order grain at least once.
/// </summary>
[Alias("venue")]
public interface IVenueGrain : IExecutionVenue
{
    [Alias("working"), ReadOnly] Task<IReadOnlyList<WorkingOrder>> GetWorkingAsync();

    public static string KeyFor(string venue, string symbol) => $"{venue}/{symbol}";
}

/// <summary>
/// Positions, cash and P&amp;L of one account (key: account). The account's risk gate implements it: one activation is
/// the account's single writer for its checks and its book. Bookings and reads interleave with the gate's turns, so a
/// fill delivered while the gate waits on an order (a kill switch cancelling it, say) is booked at once, and a read
/// never queues behind an order's check.
/// </summary>
[Alias("portfolio")]
public interface IPortfolioGrain : IGrainWithStringKey
{
    /// <summary>
    /// Books fills of one order once each (repeated fill ids are ignored), with one write; <paramref name="quoteToAccountRate"/>,
    /// when the caller knows it, converts their quote currency into the account's without asking for quotes.
    /// </summary>
    [Alias("apply-fills"), AlwaysInterleave] Task ApplyFillsAsync(IReadOnlyList<Fill> fills, decimal? quoteToAccountRate);
    [Alias("valuation"), ReadOnly, AlwaysInterleave] Task<PortfolioValuation> GetValuationAsync();
    /// <summary>The valuation with the margin and drawdown the account's risk limits give it.</summary>
    [Alias("statement"), ReadOnly, AlwaysInterleave] Task<PortfolioStatement> GetStatementAsync();
}

/// <summary>An append-only, SHA-256 hash-chained log (key: stream name, one per account).</summary>
[Alias("audit-stream")]
public interface IAuditStreamGrain : IGrainWithStringKey
{
    [Alias("append")] Task<AuditRecord> AppendAsync(AuditEntry entry);
    /// <summary>Appends entries in order in one call (each keyed entry once), as one step would: what a turn owes goes together.</summary>
    [Alias("append-many")] Task<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries);
    [Alias("read"), ReadOnly] Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence, int limit);
    [Alias("verify"), ReadOnly] Task<AuditVerification> VerifyAsync();
    [Alias("info"), ReadOnly] Task<AuditStreamInfo> GetInfoAsync();
}

/// <summary>A sorted set of names that exist (key: the index, one of <see cref="NameIndexes"/>).</summary>
[Alias("name-index")]
public interface INameIndexGrain : IGrainWithStringKey
{
    [Alias("register")] Task RegisterAsync(string name);
    [Alias("list"), ReadOnly] Task<IReadOnlyList<string>> ListAsync();
}

public static class NameIndexes
{
    public const string AuditStreams = "audit-streams";
    public const string Strategies = "strategies";
    /// <summary>Venue grains that have been active: paper books ("paper/EURUSD") and MT5 bridges ("mt5").</summary>
    public const string Venues = "venues";
    /// <summary>Accounts that have been opened (<see cref="IAccountGrain"/>).</summary>
    public const string Accounts = "accounts";
}
