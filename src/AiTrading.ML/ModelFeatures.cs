using AiTrading.Core.Features;

namespace AiTrading.ML;

/// <summary>The features models train on when none are named.</summary>
public static class ModelFeatures
{
    /// <summary>
    /// Scale-free indicators only: oscillators, normalised volatility and returns over 1, 5 and 20 bars. Price-level
    /// features (moving averages, bands, SAR, OBV) are left out because a tree split on a price level learnt in one
    /// decade says nothing about the next.
    /// </summary>
    public static IReadOnlyList<FeatureDefinition> Default { get; } =
    [
        new("ROC", Parameters: new Dictionary<string, double> { ["period"] = 1 }),
        new("ROC", Parameters: new Dictionary<string, double> { ["period"] = 5 }),
        new("ROC", Parameters: new Dictionary<string, double> { ["period"] = 20 }),
        new("RSI"),
        new("STOCHRSI"),
        new("CMO"),
        new("TRIX"),
        new("STOCH"),
        new("WILLR"),
        new("CCI"),
        new("ULTOSC"),
        new("ADX"),
        new("AROON"),
        new("NATR"),
    ];
}
