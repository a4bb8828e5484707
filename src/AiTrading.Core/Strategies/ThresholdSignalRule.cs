using AiTrading.Core.Models;

namespace AiTrading.Core.Strategies;

/// <summary>
/// Turns a direction probability into a target position: long <see cref="Quantity"/> when P(up) reaches
/// <see cref="EntryProbability"/>, short when it falls to 1 − EntryProbability (if shorts are allowed), flat when
/// it comes back within <see cref="ExitBand"/> of 0.5, and otherwise keep what is held (hysteresis).
/// </summary>
public sealed record ThresholdSignalRule
{
    public double EntryProbability { get; init; } = 0.6;
    public double ExitBand { get; init; } = 0.02;
    public decimal Quantity { get; init; } = 10_000m;
    public bool AllowShort { get; init; } = true;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (!(EntryProbability > 0.5 && EntryProbability < 1)) errors.Add(new("entryProbability", $"must be in (0.5, 1) (got {EntryProbability})"));
        if (!(ExitBand >= 0 && 0.5 + ExitBand < EntryProbability)) errors.Add(new("exitBand", $"must be at least 0 and below entryProbability − 0.5 (got {ExitBand})"));
        if (Quantity <= 0) errors.Add(new("quantity", $"must be greater than 0 (got {Quantity})"));
        return errors;
    }

    public decimal TargetPosition(DirectionPrediction prediction, decimal currentPosition)
    {
        var p = prediction.ProbabilityUp;
        if (p >= EntryProbability) return Quantity;
        if (p <= 1 - EntryProbability) return AllowShort ? -Quantity : 0m;
        if (Math.Abs(p - 0.5) <= ExitBand) return 0m;
        return currentPosition;
    }
}
