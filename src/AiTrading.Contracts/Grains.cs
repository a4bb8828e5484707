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
    [Alias("spec"), ReadOnly] Task<InstrumentSpec> GetSpecAsync();
    /// <summary>The latest quote, or null before the first tick. Unknown instrument → not found.</summary>
    [Alias("quote"), ReadOnly, AlwaysInterleave] Task<Quote?> GetQuoteAsync();
}

/// <summary>A running strategy (key: strategy id) fed by the <see cref="StreamNames.Bars"/> streams of its symbols.</summary>
[Alias("strategy")]
public interface IStrategyGrain : IGrainWithStringKey
{
    [Alias("start")] Task<StrategyStatus> StartAsync(StrategyConfig config);
    [Alias("stop")] Task<StrategyStatus> StopAsync();
    [Alias("status"), ReadOnly] Task<StrategyStatus> GetStatusAsync();
}

/// <summary>The pre-trade gate of one account (key: account). Every order passes here before any venue sees it.</summary>
[Alias("risk")]
public interface IRiskGrain : IGrainWithStringKey
{
    [Alias("submit")] Task<OrderSubmission> SubmitOrderAsync(OrderRequest request);
    [Alias("set-limits")] Task SetLimitsAsync(RiskLimits limits);
    [Alias("limits"), ReadOnly] Task<RiskLimits> GetLimitsAsync();
    [Alias("kill-switch")] Task SetKillSwitchAsync(bool engaged, string reason);
}

/// <summary>One order (key: <see cref="OrderView.IdFor"/>) and its state machine.</summary>
[Alias("order")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Called by the risk grain once the order passed: accept, route to the venue, book fills.</summary>
    [Alias("execute")] Task<OrderView> ExecuteAsync(OrderRequest request, string venue);
    /// <summary>Called by the risk grain when the order failed a limit: the order exists, rejected.</summary>
    [Alias("reject")] Task<OrderView> RejectAsync(OrderRequest request, RiskDecision decision);
    /// <summary>The order, or null if no order has this id.</summary>
    [Alias("get"), ReadOnly] Task<OrderView?> GetAsync();
}

/// <summary>An execution venue (key: venue name, e.g. "paper").</summary>
[Alias("venue")]
public interface IVenueGrain : IGrainWithStringKey
{
    [Alias("execute")] Task<VenueExecution> ExecuteAsync(string orderId, OrderRequest request);
}

/// <summary>Positions, cash and P&amp;L of one account (key: account).</summary>
[Alias("portfolio")]
public interface IPortfolioGrain : IGrainWithStringKey
{
    /// <summary>Books a fill once (repeated fill ids are ignored); returns the P&amp;L it realised in the account currency.</summary>
    [Alias("apply-fill")] Task<decimal> ApplyFillAsync(Fill fill);
    [Alias("exposure"), ReadOnly] Task<AccountExposure> GetExposureAsync(string symbol);
    [Alias("valuation"), ReadOnly] Task<PortfolioValuation> GetValuationAsync();
}

/// <summary>An append-only, SHA-256 hash-chained log (key: stream name, one per account).</summary>
[Alias("audit-stream")]
public interface IAuditStreamGrain : IGrainWithStringKey
{
    [Alias("append")] Task<AuditRecord> AppendAsync(AuditEntry entry);
    [Alias("read"), ReadOnly] Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence, int limit);
    [Alias("verify"), ReadOnly] Task<AuditVerification> VerifyAsync();
    [Alias("info"), ReadOnly] Task<AuditStreamInfo> GetInfoAsync();
}

/// <summary>The list of audit streams that exist (single activation, key 0).</summary>
[Alias("audit-directory")]
public interface IAuditDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("register")] Task RegisterAsync(string stream);
    [Alias("list"), ReadOnly] Task<IReadOnlyList<string>> ListAsync();
}
