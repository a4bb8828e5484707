namespace AiTrading.Core.Indicators;

/// <summary>
/// Relative strength index with Wilder smoothing, as TA-Lib's RSI: the first value (on input
/// <c>period+1</c>) uses the plain means of the first <c>period</c> gains and losses; later ones
/// <c>avg = (avg·(period−1) + x)/period</c>. RSI = 100·avgGain/(avgGain+avgLoss).
/// When both averages are zero (flat prices) the value is 0, as in TA-Lib; when only the average loss is zero
/// it is 100. TA-Lib compares the sum with a small fixed epsilon; this tests for exactly zero, so the value does
/// not depend on the price scale (FX prices move in 1e-5 steps). Never NaN or infinite once ready.
/// </summary>
public sealed class Rsi(int period) : GainLossOscillator("RSI", period)
{
    protected override double Oscillate(double averageGain, double averageLoss)
    {
        var total = averageGain + averageLoss;
        return total == 0 ? 0 : 100 * (averageGain / total);
    }
}
