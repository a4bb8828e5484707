using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features;

/// <summary>
/// Named feature values of one symbol and timeframe, known at <paramref name="Time"/> (the close time of the bar
/// they were computed on). A NaN value marks a feature still warming up.
/// </summary>
public sealed record FeatureVector(string Symbol, Timeframe Timeframe, DateTimeOffset Time, IReadOnlyDictionary<string, double> Values)
{
    /// <exception cref="KeyNotFoundException">The vector has no feature of that name.</exception>
    public double this[string name] => Values.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException(
            $"feature '{name}' is not in the {Symbol} {Timeframe} vector (it has {string.Join(", ", Values.Keys)})");

    /// <summary>True when every value is finite, i.e. no feature is warming up.</summary>
    public bool IsComplete
    {
        get
        {
            foreach (var value in Values.Values)
                if (!double.IsFinite(value)) return false;
            return true;
        }
    }
}
