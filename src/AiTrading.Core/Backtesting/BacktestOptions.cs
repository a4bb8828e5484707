using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Backtesting;

/// <summary>Where a backtest's market orders trade on bars (on ticks they trade against the tick that closed the bar).</summary>
public enum FillModel
{
    /// <summary>The order decided at a bar's close trades at the next bar's open (the default for bars; what the live loop does, whose bar closes with the next bar's first tick).</summary>
    NextBarOpen,
    /// <summary>The order trades at the close of the bar it was decided on.</summary>
    ThisBarClose,
}

/// <summary>
/// Commission per fill in the account currency: <see cref="PerUnit"/> per unit (share, lot) plus <see cref="PerNotional"/>
/// as a fraction of the fill's notional, at least <see cref="Minimum"/> (a fill with no commission rate pays nothing).
/// </summary>
public sealed record CommissionModel(decimal PerUnit = 0, decimal PerNotional = 0, decimal Minimum = 0)
{
    public static readonly CommissionModel None = new();

    public bool IsFree => PerUnit == 0 && PerNotional == 0 && Minimum == 0;

    /// <param name="notional">quantity × price, converted into the account currency</param>
    public decimal For(decimal quantity, decimal notional) =>
        IsFree ? 0 : Math.Max(Minimum, PerUnit * quantity + PerNotional * Math.Abs(notional));

    public IEnumerable<FieldError> Validate(string field)
    {
        if (PerUnit < 0) yield return new($"{field}.perUnit", $"must be 0 or more (got {PerUnit})");
        if (PerNotional is < 0 or >= 1) yield return new($"{field}.perNotional", $"must be a fraction in [0, 1) (got {PerNotional})");
        if (Minimum < 0) yield return new($"{field}.minimum", $"must be 0 or more (got {Minimum})");
        if (PerUnit > Bounds.MaxPrice) yield return new($"{field}.perUnit", $"must be at most {Bounds.MaxPrice} (got {PerUnit})");
        if (Minimum > Bounds.MaxMoney) yield return new($"{field}.minimum", $"must be at most {Bounds.MaxMoney} (got {Minimum})");
    }
}

/// <summary>
/// Overnight financing (FX swap, CFD financing) of open positions: annual rates on the position's notional at the
/// previous close, charged for every night a position is held (a bar on a later UTC day than the position's last bar);
/// positive rates are a cost, negative ones a credit. Days count as 365 a year.
/// </summary>
public sealed record FinancingModel(decimal LongRate = 0, decimal ShortRate = 0)
{
    public static readonly FinancingModel None = new();

    public bool IsFree => LongRate == 0 && ShortRate == 0;

    public IEnumerable<FieldError> Validate(string field)
    {
        if (LongRate is <= -1 or >= 1) yield return new($"{field}.longRate", $"must be an annual fraction in (-1, 1) (got {LongRate})");
        if (ShortRate is <= -1 or >= 1) yield return new($"{field}.shortRate", $"must be an annual fraction in (-1, 1) (got {ShortRate})");
    }
}

/// <summary>How a backtest runs: the account, the fill model and costs, the risk limits, and the window it trades in.</summary>
public sealed record BacktestOptions
{
    public decimal InitialCash { get; init; } = 100_000m;
    public string AccountCurrency { get; init; } = "USD";
    public FillModel Fill { get; init; } = FillModel.NextBarOpen;

    /// <summary>Bid and ask around a bar's price, in basis points of it (bars have no spread of their own).</summary>
    public decimal SpreadBps { get; init; }

    /// <summary>The paper venue's slippage and seed; backtests default to none, so fills are at the quoted price.</summary>
    public PaperFillOptions Paper { get; init; } = new() { SlippageBps = 0, RandomSlippageBps = 0 };

    public CommissionModel Commission { get; init; } = CommissionModel.None;
    public FinancingModel Financing { get; init; } = FinancingModel.None;

    /// <summary>The account's limits, checked by <see cref="PreTradeRisk"/> on every order as live.</summary>
    public RiskLimits Risk { get; init; } = new();

    /// <summary>Bars the engines read before the first order may be sent (after <see cref="From"/>).</summary>
    public int WarmupBars { get; init; }

    /// <summary>First bar (by open time) that may trade; earlier bars only warm the strategy up.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Last bar (by open time) read; later ones are ignored.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Return periods per year for volatility, Sharpe and Sortino; inferred from the bars' spacing when null.</summary>
    public double? PeriodsPerYear { get; init; }

    /// <summary>Annual risk-free rate for Sharpe and Sortino.</summary>
    public double RiskFreeRate { get; init; }

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (InitialCash <= 0) errors.Add(new("cash", $"must be greater than 0 (got {InitialCash})"));
        Bounds.Money(errors, "cash", InitialCash);
        if (AccountCurrency is not { Length: 3 } || !AccountCurrency.All(char.IsAsciiLetterUpper))
            errors.Add(new("currency", $"must be a three-letter upper-case ISO code (got '{AccountCurrency}')"));
        if (!Enum.IsDefined(Fill)) errors.Add(new("fill", $"'{(int)Fill}' is not a fill model"));
        if (SpreadBps is < 0 or > 10_000) errors.Add(new("spreadBps", $"must be between 0 and 10000 (got {SpreadBps})"));
        errors.AddRange(Paper.Validate().Select(e => e with { Field = "paper." + e.Field }));
        if (Paper.Latency != TimeSpan.Zero) errors.Add(new("paper.latency", "backtest orders trade on the quote they are sent with; venue latency is not modelled"));
        errors.AddRange(Commission.Validate("commission"));
        errors.AddRange(Financing.Validate("financing"));
        errors.AddRange(Risk.Validate().Select(e => e with { Field = "risk." + e.Field }));
        if (WarmupBars < 0) errors.Add(new("warmup", $"must be 0 or more bars (got {WarmupBars})"));
        if (From is { } from && To is { } to && to < from) errors.Add(new("to", $"{to:O} is before from {from:O}"));
        if (PeriodsPerYear is { } periods && !(periods > 0 && double.IsFinite(periods))) errors.Add(new("periodsPerYear", $"must be greater than 0 (got {periods})"));
        if (!(RiskFreeRate > -1 && RiskFreeRate < 1)) errors.Add(new("riskFreeRate", $"must be an annual fraction in (-1, 1) (got {RiskFreeRate})"));
        return errors;
    }
}
