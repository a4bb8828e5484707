namespace AiTrading.Core.Indicators;

/// <summary>
/// Chande momentum oscillator, as TA-Lib's CMO: gains and losses smoothed like <see cref="Rsi"/> (plain means of the
/// first <c>period</c> changes, then <c>avg = (avg·(period−1) + x)/period</c>), first value on input
/// <c>period+1</c>; CMO = 100·(avgGain − avgLoss)/(avgGain + avgLoss), in [−100, 100].
/// When both averages are zero (flat prices) the value is 0, as in TA-Lib; TA-Lib compares the sum with a small
/// fixed epsilon, this tests for exactly zero so the value does not depend on the price scale. Never NaN once ready.
/// </summary>
public sealed class Cmo : ISeriesIndicator
{
    private WilderGainLoss _averages;

    public Cmo(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        Name = $"CMO_{period}";
        _averages = new WilderGainLoss(period);
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period + 1;
    public bool IsReady => _averages.IsReady;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        if (!_averages.Update(value)) return;
        var total = _averages.AverageGain + _averages.AverageLoss;
        Value = total == 0 ? 0 : 100 * ((_averages.AverageGain - _averages.AverageLoss) / total);
    }

    public void Reset()
    {
        _averages.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Cmo(period), input, output);
}
