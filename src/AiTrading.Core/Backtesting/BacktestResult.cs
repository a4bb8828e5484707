namespace AiTrading.Core.Backtesting;

/// <summary>
/// One round trip: from the fill that opened a position to the one that flattened it (a reversal closes one trade and
/// opens the next). Prices are average fill prices; <see cref="Pnl"/> is realised P&amp;L net of the trade's
/// commissions and financing, in the account currency (for a trade still open at the end, marked at the last close).
/// </summary>
public sealed record BacktestTrade(
    string Symbol,
    string Side,
    decimal Quantity,
    DateTimeOffset EntryTime,
    decimal EntryPrice,
    DateTimeOffset? ExitTime,
    decimal? ExitPrice,
    decimal Pnl,
    decimal Commission,
    decimal Financing,
    int Bars,
    bool Open)
{
    public const string Long = "long";
    public const string Short = "short";
}

/// <summary>An order the strategy sent (or tried to): what the engine decided and why, and how it ended.</summary>
public sealed record BacktestOrder(
    string OrderId,
    string Symbol,
    string Side,
    decimal Quantity,
    DateTimeOffset DecidedAt,
    DateTimeOffset Time,
    string Status,
    decimal FilledQuantity,
    decimal? AveragePrice,
    decimal Commission,
    string Signal,
    string? Reason);

/// <summary>Equity after a bar (by its open time), marked at the close.</summary>
public readonly record struct EquityPoint(DateTimeOffset Time, double Equity);

/// <summary>
/// Performance of an equity curve and its trades. Returns are per bar (the first from the initial cash); years span
/// the first to the last bar; rates are fractions (0.1 = 10%). Null where a figure is undefined (no trades, no losses,
/// no variation).
/// </summary>
public sealed record BacktestStatistics(
    double TotalReturn,
    double? Cagr,
    double? AnnualizedVolatility,
    double? Sharpe,
    double? Sortino,
    double MaxDrawdown,
    TimeSpan MaxDrawdownDuration,
    int MaxDrawdownBars,
    double? Calmar,
    double? WinRate,
    double? ProfitFactor,
    double? Expectancy,
    double Exposure,
    int Trades,
    double PeriodsPerYear);

public sealed record BacktestResult(
    string StrategyId,
    IReadOnlyList<string> Symbols,
    DateTimeOffset Start,
    DateTimeOffset End,
    int Bars,
    decimal InitialCash,
    decimal FinalEquity,
    decimal Cash,
    decimal Commissions,
    decimal Financing,
    BacktestStatistics Statistics,
    IReadOnlyList<BacktestTrade> Trades,
    IReadOnlyList<BacktestOrder> Orders,
    IReadOnlyList<EquityPoint> Equity);
