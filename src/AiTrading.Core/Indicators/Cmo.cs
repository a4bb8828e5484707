namespace AiTrading.Core.Indicators;

/// <summary>
/// Chande momentum oscillator, as TA-Lib's CMO: gains and losses smoothed like <see cref="Rsi"/> (plain means of the
/// first <c>period</c> changes, then <c>avg = (avg·(period−1) + x)/period</c>), first value on input
/// <c>period+1</c>; CMO = 100·(avgGain − avgLoss)/(avgGain + avgLoss), in [−100, 100].
/// When both averages are zero (flat prices) the value is 0, as in TA-Lib; TA-Lib compares the sum with a small
/// fixed epsilon, this tests for exactly zero so the value does not depend on the price scale. Never NaN once ready.
/// </summary>
public sealed class Cmo(int period) : GainLossOscillator("CMO", period)
{
    protected override double Oscillate(double averageGain, double averageLoss)
    {
        var total = averageGain + averageLoss;
        return total == 0 ? 0 : 100 * ((averageGain - averageLoss) / total);
    }
}
