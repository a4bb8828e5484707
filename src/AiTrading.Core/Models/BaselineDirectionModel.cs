using AiTrading.Core.Features;

namespace AiTrading.Core.Models;

public readonly record struct DirectionPrediction(double ProbabilityUp)
{
    public double Confidence => Math.Max(ProbabilityUp, 1 - ProbabilityUp);
}

/// <summary>
/// A fixed-weight logistic score of trend features: a transparent baseline that the trained models must beat,
/// not a trained model. z = 2·(EMA−SMA)/ATR + 1.5·(RSI−50)/50 + 0.5·(close−SMA)/ATR; P(up) = σ(z).
/// Returns 0.5 (no view) while features warm up or when ATR is zero.
/// </summary>
public sealed class BaselineDirectionModel
{
    public const string Name = "baseline-logistic";

    public DirectionPrediction Predict(FeatureVector features, double close)
    {
        if (!features.IsComplete) return new(0.5);
        var atr = features["ATR_14"];
        if (!(atr > 0)) return new(0.5);
        var sma = features["SMA_20"];
        var z = 2.0 * (features["EMA_20"] - sma) / atr + 1.5 * (features["RSI_14"] - 50) / 50 + 0.5 * (close - sma) / atr;
        return new(1 / (1 + Math.Exp(-z)));
    }
}
