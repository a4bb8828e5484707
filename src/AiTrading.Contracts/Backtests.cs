namespace AiTrading.Contracts;

/// <summary>
/// One backtest run (key: run id): replays the request's data through its spec with the Core backtester, off the
/// grain's turn, and keeps the result (JSON) and the HTML report for the configured retention, after which reads
/// answer gone and the id may be used again. The same request again is idempotent; another under the same id is a
/// conflict. A run that a restart interrupted starts again (the result is deterministic).
/// </summary>
[Alias("backtest")]
public interface IBacktestGrain : IGrainWithStringKey
{
    /// <summary>Checks the request (every problem named: spec, data, options) and starts the run.</summary>
    [Alias("start")] Task<BacktestView> StartAsync(BacktestRequest request);
    /// <summary>The run, or null if none has this id.</summary>
    [Alias("get"), Orleans.Concurrency.ReadOnly, Orleans.Concurrency.AlwaysInterleave] Task<BacktestView?> GetAsync();
    /// <summary>The HTML report of a completed run, else null.</summary>
    [Alias("report"), Orleans.Concurrency.ReadOnly, Orleans.Concurrency.AlwaysInterleave] Task<string?> GetReportAsync();
}

/// <summary>
/// What to backtest: the strategy spec (JSON, as submitted live), the data files (paths under the silo's backtest data
/// directory, each the bars or ticks of one instrument) and the settings, written as the CLI takes them
/// (<c>fill</c> next-open or close; <c>commission</c> like <c>0.005/unit,min=1</c>; <c>financing</c> like <c>long=3%,short=1%</c>).
/// <see cref="RequestedBy"/> is the caller, whose concurrent runs are limited.
/// </summary>
[GenerateSerializer, Immutable, Alias("backtest-request")]
public sealed record BacktestRequest(
    [property: Id(0)] string SpecJson,
    [property: Id(1)] IReadOnlyList<BacktestDataFile> Data,
    [property: Id(2)] decimal InitialCash = 100_000m,
    [property: Id(3)] string Fill = "next-open",
    [property: Id(4)] decimal SpreadBps = 0,
    [property: Id(5)] decimal SlippageBps = 0,
    [property: Id(6)] string? Commission = null,
    [property: Id(7)] string? Financing = null,
    [property: Id(8)] int WarmupBars = 0,
    [property: Id(9)] DateTimeOffset? From = null,
    [property: Id(10)] DateTimeOffset? To = null,
    [property: Id(11)] string RequestedBy = Callers.Anonymous)
{
    public bool SameAs(BacktestRequest other) =>
        this with { Data = [] } == other with { Data = [] } && Data.SequenceEqual(other.Data);
}

[GenerateSerializer, Immutable, Alias("backtest-data-file")]
public sealed record BacktestDataFile([property: Id(0)] string Symbol, [property: Id(1)] string Path);

/// <summary>Expired: the run ended longer ago than the result retention, and its result and report were discarded.</summary>
public enum BacktestRunState { Running = 0, Completed = 1, Failed = 2, Expired = 3 }

/// <summary>A run as it stands: progress while running; the result (the CLI's JSON) once completed; why, once failed.</summary>
[GenerateSerializer, Immutable, Alias("backtest-view")]
public sealed record BacktestView(
    [property: Id(0)] string Id,
    [property: Id(1)] BacktestRunState State,
    [property: Id(2)] long Bars,
    [property: Id(3)] long Total,
    [property: Id(4)] string? Error,
    [property: Id(5)] decimal? FinalEquity,
    [property: Id(6)] int Trades,
    [property: Id(7)] string? ResultJson,
    [property: Id(8)] DateTimeOffset StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt);
