namespace AiTrading.Core.Indicators;

/// <summary>
/// Relative strength index with Wilder smoothing, as TA-Lib's RSI: the first value (on input
/// <c>period+1</c>) uses the plain means of the first <c>period</c> gains and losses; later ones
/// <c>avg = (avg·(period−1) + x)/period</c>. RSI = 100·avgGain/(avgGain+avgLoss).
/// When both averages are zero (flat prices) the value is 0, as in TA-Lib; when only the average loss is zero
/// it is 100. TA-Lib compares the sum with a small fixed epsilon; this tests for exactly zero, so the value does
/// not depend on the price scale (FX prices move in 1e-5 steps). Never NaN or infinite once ready.
/// </summary>
public sealed class Rsi : ISeriesIndicator
{
    private WilderGainLoss _averages;

    public Rsi(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        Name = $"RSI_{period}";
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
        Value = total == 0 ? 0 : 100 * (_averages.AverageGain / total);
    }

    public void Reset()
    {
        _averages.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Rsi(period), input, output);
}
