using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;

namespace AiTrading.Contracts;

/// <summary>
/// The spine's strategy definition: trade the named symbols on bar close with the baseline model and a
/// threshold rule. (The full StrategySpec with rules over features arrives with the trading-engine issue.)
/// </summary>
[GenerateSerializer, Immutable, Alias("strategy-config")]
public sealed record StrategyConfig(
    [property: Id(0)] string StrategyId,
    [property: Id(1)] string Account,
    [property: Id(2)] IReadOnlyList<string> Symbols,
    [property: Id(3)] string Timeframe,
    [property: Id(4)] double EntryProbability,
    [property: Id(5)] double ExitBand,
    [property: Id(6)] decimal Quantity,
    [property: Id(7)] bool AllowShort)
{
    public static readonly string[] SupportedTimeframes = ["M1", "M5"];

    public ThresholdSignalRule Rule => new() { EntryProbability = EntryProbability, ExitBand = ExitBand, Quantity = Quantity, AllowShort = AllowShort };

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(StrategyId)) errors.Add(new("strategyId", "is required"));
        if (string.IsNullOrWhiteSpace(Account)) errors.Add(new("account", "is required"));
        if (Symbols is null || Symbols.Count == 0) errors.Add(new("symbols", "must name at least one symbol"));
        else if (Symbols.Any(s => string.IsNullOrWhiteSpace(s) || s != InstrumentCatalog.NormalizeSymbol(s)))
            errors.Add(new("symbols", "must be upper-case symbols without spaces"));
        if (!SupportedTimeframes.Contains(Timeframe)) errors.Add(new("timeframe", $"must be one of {string.Join(", ", SupportedTimeframes)} (got '{Timeframe}')"));
        errors.AddRange(Rule.Validate());
        return errors;
    }
}

public enum StrategyState { Created = 0, Running = 1, Stopped = 2 }

[GenerateSerializer, Immutable, Alias("strategy-decision")]
public sealed record StrategyDecision(
    [property: Id(0)] string StrategyId,
    [property: Id(1)] string Symbol,
    [property: Id(2)] DateTimeOffset BarTime,
    [property: Id(3)] string Model,
    [property: Id(4)] double ProbabilityUp,
    [property: Id(5)] decimal CurrentPosition,
    [property: Id(6)] decimal TargetPosition,
    [property: Id(7)] string? ClientOrderId);

[GenerateSerializer, Immutable, Alias("strategy-status")]
public sealed record StrategyStatus(
    [property: Id(0)] StrategyConfig? Config,
    [property: Id(1)] StrategyState State,
    [property: Id(2)] long BarsSeen,
    [property: Id(3)] long Decisions,
    [property: Id(4)] long OrdersFilled,
    [property: Id(5)] long OrdersRejected,
    [property: Id(6)] IReadOnlyDictionary<string, decimal> Positions,
    [property: Id(7)] StrategyDecision? LastDecision,
    [property: Id(8)] string? LastError,
    [property: Id(9)] IReadOnlyList<double> TickToFillMicroseconds);
