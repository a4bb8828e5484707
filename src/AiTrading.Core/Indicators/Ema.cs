namespace AiTrading.Core.Indicators;

/// <summary>
/// Exponential moving average, as TA-Lib's EMA (default compatibility): seeded with the SMA of the first
/// <c>period</c> values (first value on the <c>period</c>-th input), then <c>ema += k·(x − ema)</c> with
/// <c>k = 2/(period+1)</c>.
/// </summary>
public sealed class Ema : SeriesIndicator
{
    private readonly double _k;
    private double _seedSum;

    public Ema(int period) : base($"EMA_{RequirePeriod(period)}", period)
    {
        Period = period;
        _k = 2.0 / (period + 1);
    }

    public int Period { get; }

    protected override double Step(double value)
    {
        if (Samples < Period)
        {
            _seedSum += value;
            return double.NaN;
        }
        if (Samples == Period) return (_seedSum + value) / Period;
        return (value - Value) * _k + Value;
    }

    protected override void OnReset() => _seedSum = 0;
}
