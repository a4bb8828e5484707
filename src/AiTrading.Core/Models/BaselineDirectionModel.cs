using AiTrading.Core.Features;

namespace AiTrading.Core.Models;

/// <summary>A model's view of the next move: the probability that the price goes up.</summary>
public readonly record struct DirectionPrediction(double ProbabilityUp)
{
    /// <summary>How far from a coin flip the view is: max(p, 1−p), in [0.5, 1].</summary>
    public double Confidence => Math.Max(ProbabilityUp, 1 - ProbabilityUp);
}

/// <summary>
/// A baseline for comparison, not a trained model: a fixed-weight logistic score of three trend features,
/// <c>p = σ(2·(EMA₂₀ − SMA₂₀)/ATR₁₄ + 1.5·(RSI₁₄ − 50)/50 + 0.5·(close − SMA₂₀)/ATR₁₄)</c>.
/// The weights are hand-picked, not fitted: a steady up-trend (EMA half an ATR above the SMA, RSI near 65, close
/// up to an ATR above the SMA) gives p ≈ 0.8–0.9, well outside 0.4–0.6, while noise around a flat mean stays near
/// 0.5. Learned models must beat it.
/// Returns p = 0.5 (no view) while any of its four features is missing or warming up, when ATR is not positive, or
/// the close is not finite. Other features of the vector are ignored.
/// </summary>
public sealed class BaselineDirectionModel
{
    public const string Name = "baseline-logistic";

    /// <summary>The features the model reads, as named by the default <see cref="FeatureCatalog"/> parameters.</summary>
    public static IReadOnlyList<string> RequiredFeatures { get; } = ["SMA_20", "EMA_20", "RSI_14", "ATR_14"];

    private const double TrendWeight = 2.0;     // (EMA − SMA) / ATR
    private const double MomentumWeight = 1.5;  // (RSI − 50) / 50
    private const double StretchWeight = 0.5;   // (close − SMA) / ATR

    public DirectionPrediction Predict(FeatureVector features, double close)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (!double.IsFinite(close)
            || !features.Values.TryGetValue("SMA_20", out var sma) || !double.IsFinite(sma)
            || !features.Values.TryGetValue("EMA_20", out var ema) || !double.IsFinite(ema)
            || !features.Values.TryGetValue("RSI_14", out var rsi) || !double.IsFinite(rsi)
            || !features.Values.TryGetValue("ATR_14", out var atr)
            || !(atr > 0) || double.IsInfinity(atr))
            return new DirectionPrediction(0.5);

        var z = TrendWeight * (ema - sma) / atr
              + MomentumWeight * (rsi - 50) / 50
              + StretchWeight * (close - sma) / atr;
        return new DirectionPrediction(1 / (1 + Math.Exp(-z)));
    }
}
